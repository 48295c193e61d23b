package io.spore.cli.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spore.cli.UserException;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Calls the daemon's control API (cli/API.md) over its Unix socket: a small HTTP/1.1 client, one
 * connection per call. Errors from the daemon become {@link UserException}s with its message.
 */
public final class ControlClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path socket;

    public ControlClient(Path socket) {
        this.socket = socket;
    }

    /** True when a daemon answers on {@code socket}. */
    public static boolean isRunning(Path socket) {
        if (!Files.exists(socket)) return false;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return e instanceof java.net.SocketException && e.getMessage() != null && e.getMessage().contains("Permission denied");
        }
    }

    public Path socket() { return socket; }

    public JsonNode get(String path) { return JSON_of(call("GET", path, null, null, null)); }

    public JsonNode post(String path, Object body) { return JSON_of(call("POST", path, json(body), "application/json", null)); }

    /**
     * A streamed call: {@code onEvent} gets every JSON line; returns the final {@code done} event. An
     * error event, or the stream ending without {@code done} (the daemon died), becomes an exception.
     */
    public JsonNode stream(String path, Object body, Consumer<JsonNode> onEvent) {
        JsonNode[] last = {null};
        call("POST", path, json(body), "application/json", line -> {
            JsonNode ev = parse(line);
            last[0] = ev;
            if ("error".equals(ev.path("event").asText())) throw new UserException(ev.path("message").asText("the daemon failed"));
            onEvent.accept(ev);
        });
        if (last[0] == null || !"done".equals(last[0].path("event").asText())) {
            throw new UserException("the daemon stopped before the operation finished: check its log (journalctl -u spore), then run the command again (a pull resumes)");
        }
        return last[0];
    }

    public byte[] getBytes(String path) { return call("GET", path, null, null, null); }

    public JsonNode postBytes(String path, byte[] body) { return JSON_of(call("POST", path, body, "application/octet-stream", null)); }

    private static byte[] json(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode request as JSON", e);
        }
    }

    private static JsonNode parse(byte[] b) {
        try {
            return JSON.readTree(b);
        } catch (IOException e) {
            throw new UserException("the daemon sent something that is not JSON: is " + "the socket a Spore daemon's?");
        }
    }

    private static JsonNode JSON_of(byte[] b) { return parse(b); }

    private byte[] call(String method, String path, byte[] body, String type, Consumer<byte[]> lines) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw notRunning(e);
            }
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: spore\r\nConnection: close\r\n");
            if (body != null) head.append("Content-Type: ").append(type).append("\r\nContent-Length: ").append(body.length).append("\r\n");
            head.append("\r\n");
            write(ch, head.toString().getBytes(StandardCharsets.US_ASCII));
            if (body != null) write(ch, body);
            InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 64 * 1024);
            String status = readLine(in);
            if (status == null || !status.startsWith("HTTP/1.")) throw new UserException("the daemon on " + socket + " did not answer HTTP: is it a Spore daemon?");
            int code = Integer.parseInt(status.split(" ")[1]);
            long length = -1;
            boolean chunked = false;
            for (String h = readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) length = Long.parseLong(h.substring(15).strip());
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
            }
            if (chunked) throw new UserException("the daemon answered with chunked encoding, which this client does not read: update the daemon");
            if (code == 200 && lines != null) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                for (int b = in.read(); b >= 0; b = in.read()) {
                    if (b == '\n') {
                        lines.accept(line.toByteArray());
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
                if (line.size() > 0) lines.accept(line.toByteArray());
                return new byte[0];
            }
            byte[] data = length >= 0 ? in.readNBytes((int) length) : in.readAllBytes();
            if (code != 200) {
                String msg;
                try {
                    msg = JSON.readTree(data).path("error").asText("");
                } catch (IOException e) {
                    msg = "";
                }
                throw new UserException(msg.isEmpty() ? "the daemon answered HTTP " + code : msg);
            }
            return data;
        } catch (IOException e) {
            throw new UserException("talking to the daemon on " + socket + " failed (" + e.getMessage() + "): check that it still runs");
        }
    }

    private UserException notRunning(IOException e) {
        if (e instanceof AccessDeniedException || (e.getMessage() != null && e.getMessage().contains("Permission denied"))) {
            return new UserException("no permission to use the control socket " + socket + ": run the command as root (sudo)");
        }
        return new UserException("no daemon is running on " + socket + ": start one with 'container daemon' (or systemctl start spore), or give --socket");
    }

    private static void write(SocketChannel ch, byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) ch.write(buf);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') sb.setLength(n - 1);
                return sb.toString();
            }
            sb.append((char) b);
        }
        return sb.isEmpty() ? null : sb.toString();
    }
}
