package io.spore.cli.daemon;

import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;

/** What the control API asks of the running daemon; {@link Daemon} is the one implementation. */
interface Node {
    /** Peer id, addresses, store and transfer figures. */
    Map<String, Object> status() throws IOException;

    Map<String, Object> config();

    /** Connected peers: id and address of each. */
    Object peers();

    /** Fetches a whole image into the store, calling {@code progress} with events; returns the final event. */
    Map<String, Object> pull(String key, Consumer<Map<String, Object>> progress) throws IOException;

    /** Imports a directory tree, pins it and announces it; returns the final event (with "key"). */
    Map<String, Object> share(String path, int threads, Consumer<Map<String, Object>> progress) throws IOException;

    /** Pins and announces an image already in the store. */
    Map<String, Object> provide(String key) throws IOException;

    /** Mounts an image lazily at {@code <data-dir>/mounts/<key>} (or finds it mounted); returns its figures. */
    Map<String, Object> mount(String key, boolean prefetch) throws IOException;

    /** Figures of every mount of this daemon. */
    java.util.List<Map<String, Object>> mounts();

    /** Unmounts the mount at {@code dir} (an absolute path). */
    Map<String, Object> unmount(String dir) throws IOException;

    /** One block: from the store, else fetched (only from {@code peer} when given, a multiaddr). */
    byte[] getBlock(String cid, String peer) throws IOException;

    /** Stores a raw block; returns its CID. */
    String putBlock(byte[] data) throws IOException;

    // Names and pins: default bodies so that stub nodes in tests need not implement them.

    /** Makes a name key labelled {@code label}: {"label","name"}. */
    default Map<String, Object> nameCreate(String label) throws IOException { throw notHere(); }

    /** Name keys held here and the record each last published: {"names": [...]}. */
    default Map<String, Object> names() throws IOException { throw notHere(); }

    /** Signs a record pointing the name {@code label} at image {@code key}; stores it here and on the DHT. */
    default Map<String, Object> publish(String label, String key, long lifetimeSeconds) throws IOException { throw notHere(); }

    /** The best valid record of a name, from here and the DHT: {"name","key","sequence","validity"}. */
    default Map<String, Object> resolve(String name) throws IOException { throw notHere(); }

    default Map<String, Object> pinAdd(String key) throws IOException { throw notHere(); }

    default Map<String, Object> pinRemove(String key) throws IOException { throw notHere(); }

    default Map<String, Object> pins() throws IOException { throw notHere(); }

    /** Removes every block no pin or mount reaches. */
    default Map<String, Object> gc() throws IOException { throw notHere(); }

    private static ApiException notHere() {
        return new ApiException(501, "this daemon does not implement names and pins: update it");
    }
}
