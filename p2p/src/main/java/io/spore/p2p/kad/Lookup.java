package io.spore.p2p.kad;

import io.spore.p2p.identity.PeerId;
import io.spore.p2p.proto.KadProto.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One iterative Kademlia lookup (FIND_NODE or GET_PROVIDERS) towards a target key.
 *
 * <p>The seeds are dealt round-robin onto {@code paths} disjoint paths; a peer learned on one
 * path stays on that path and is asked at most once by the whole lookup, so one bad region of
 * the network cannot steer every path (S/Kademlia's disjoint paths, loosely, as js-libp2p does).
 * Each path keeps {@code ceil(alpha / paths)} requests in flight and ends when the {@code k}
 * closest peers it knows have all answered or failed. Bounded by {@code maxRequests} requests and
 * a deadline, after which it completes with what it has.
 */
final class Lookup {
    interface Rpc {
        /** Sends {@code request} to {@code to}; the future fails on error or timeout. */
        CompletableFuture<Message> request(PeerAddresses to, Message request);
    }

    interface Listener {
        /** {@code from} answered; return true to end the lookup now (enough providers, peer found). */
        boolean onReply(PeerAddresses from, Message reply);

        default void onFailure(PeerAddresses peer, Throwable error) {}
    }

    record Params(int k, int alpha, int paths, int maxRequests, Duration deadline) {
        Params {
            if (k < 1 || alpha < 1 || paths < 1 || maxRequests < 1) throw new IllegalArgumentException("lookup parameters must be positive");
        }
    }

    private enum State { WAITING, IN_FLIGHT, ANSWERED, FAILED }

    private static final class Candidate {
        final PeerAddresses info;
        final KadKey key;
        final int path;
        State state = State.WAITING;

        Candidate(PeerAddresses info, KadKey key, int path) {
            this.info = info;
            this.key = key;
            this.path = path;
        }
    }

    private final KadKey self;
    private final KadKey target;
    private final Message request;
    private final Params params;
    private final Rpc rpc;
    private final Listener listener;
    private final int perPathAlpha;
    private final Map<KadKey, Candidate> seen = new HashMap<>();
    private final List<TreeSet<Candidate>> paths = new ArrayList<>();
    private final int[] inFlight;
    private final CompletableFuture<List<PeerAddresses>> result = new CompletableFuture<>();
    private int requests;
    private boolean finished;

    Lookup(PeerId self, KadKey target, Message request, Params params, Rpc rpc, Listener listener) {
        this.self = KadKey.of(self);
        this.target = target;
        this.request = request;
        this.params = params;
        this.rpc = rpc;
        this.listener = listener;
        this.perPathAlpha = (params.alpha() + params.paths() - 1) / params.paths();
        Comparator<KadKey> byDistance = target.byDistance();
        Comparator<Candidate> order = (a, b) -> byDistance.compare(a.key, b.key);
        for (int i = 0; i < params.paths(); i++) paths.add(new TreeSet<>(order));
        this.inFlight = new int[params.paths()];
    }

    /** Starts from {@code seeds} (closest first); completes with the k closest peers that answered. */
    CompletableFuture<List<PeerAddresses>> run(List<PeerAddresses> seeds) {
        synchronized (this) {
            int i = 0;
            for (PeerAddresses s : seeds) {
                if (learn(s, i % params.paths())) i++;
            }
        }
        CompletableFuture.delayedExecutor(params.deadline().toMillis(), TimeUnit.MILLISECONDS).execute(this::finish);
        step();
        return result;
    }

    synchronized int requestsSent() { return requests; }

    private boolean learn(PeerAddresses info, int path) {
        KadKey key = KadKey.of(info.peer());
        if (key.equals(self) || seen.containsKey(key)) return false;
        Candidate c = new Candidate(info, key, path);
        seen.put(key, c);
        paths.get(path).add(c);
        return true;
    }

    private void step() {
        List<Candidate> toSend = new ArrayList<>();
        synchronized (this) {
            if (finished) return;
            for (int p = 0; p < paths.size(); p++) {
                while (inFlight[p] < perPathAlpha && requests < params.maxRequests()) {
                    Candidate next = nextWaiting(paths.get(p));
                    if (next == null) break;
                    next.state = State.IN_FLIGHT;
                    inFlight[p]++;
                    requests++;
                    toSend.add(next);
                }
            }
            if (toSend.isEmpty() && totalInFlight() == 0) {
                finishLocked();
                return;
            }
        }
        for (Candidate c : toSend) {
            CompletableFuture<Message> f;
            try {
                f = rpc.request(c.info, request);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((reply, error) -> onResult(c, reply, error));
        }
    }

    /** The closest waiting candidate among the k closest that have not failed, or null. */
    private Candidate nextWaiting(TreeSet<Candidate> path) {
        int live = 0;
        for (Candidate c : path) {
            if (c.state == State.FAILED) continue;
            if (live++ >= params.k()) return null;
            if (c.state == State.WAITING) return c;
        }
        return null;
    }

    private void onResult(Candidate c, Message reply, Throwable error) {
        boolean stop = false;
        synchronized (this) {
            if (finished) return;
            inFlight[c.path]--;
            if (error != null) {
                c.state = State.FAILED;
            } else {
                c.state = State.ANSWERED;
                for (PeerAddresses p : KadCodec.fromProto(reply.getCloserPeersList())) {
                    if (!p.addresses().isEmpty()) learn(p, c.path);
                }
            }
        }
        if (error != null) {
            listener.onFailure(c.info, error);
        } else {
            stop = listener.onReply(c.info, reply);
        }
        if (stop) finish();
        else step();
    }

    private synchronized int totalInFlight() {
        int n = 0;
        for (int f : inFlight) n += f;
        return n;
    }

    void finish() {
        synchronized (this) {
            finishLocked();
        }
    }

    private void finishLocked() {
        if (finished) return;
        finished = true;
        List<Candidate> answered = new ArrayList<>();
        for (Candidate c : seen.values()) if (c.state == State.ANSWERED) answered.add(c);
        Comparator<KadKey> byDistance = target.byDistance();
        answered.sort((a, b) -> byDistance.compare(a.key, b.key));
        List<PeerAddresses> out = new ArrayList<>();
        for (int i = 0; i < answered.size() && i < params.k(); i++) out.add(answered.get(i).info);
        // Completed on another thread so that callers' callbacks never run under this lock.
        CompletableFuture.runAsync(() -> result.complete(List.copyOf(out)));
    }
}
