package io.spore.cli.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The control API (cli/API.md): HTTP/1.1 + JSON on a Unix domain socket, mode 0600, served with
 * Netty epoll. Only root and the daemon's own user may connect (checked with SO_PEERCRED as well as
 * by the socket's mode). Requests run on virtual threads, since most of them wait on the network.
 * Long operations answer {@code application/x-ndjson}: one JSON event per line, the connection
 * closing after the last one.
 */
final class ControlServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ControlServer.class.getName());
    static final ObjectMapper JSON = new ObjectMapper();
    /** A block (2 MiB) plus room for a JSON request. */
    private static final int MAX_REQUEST = 3 * 1024 * 1024;

    private final Node node;
    private final Path socket;
    private final EventLoopGroup group;
    private final Channel server;
    private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
    private final int ownUid;

    private ControlServer(Node node, Path socket) throws IOException {
        this.node = node;
        this.socket = socket;
        this.ownUid = uid(Path.of("/proc/self"));
        prepare(socket);
        // Bound under a temporary name, restricted, then renamed: no moment exists where the socket is open to others.
        Path tmp = socket.resolveSibling("." + socket.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(tmp);
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            server = new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
                    .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                        @Override protected void initChannel(EpollDomainSocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST), new Handler());
                        }
                    })
                    .bind(new DomainSocketAddress(tmp.toFile())).sync().channel();
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, socket, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (Exception e) {
            group.shutdownGracefully();
            Files.deleteIfExists(tmp);
            throw new IOException("cannot listen on control socket " + socket + " (" + e.getMessage() + "): check the directory's permissions or use --socket", e);
        }
    }

    static ControlServer start(Node node, Path socket) throws IOException {
        return new ControlServer(node, socket);
    }

    /** Creates the socket's directory; refuses to start over a live daemon, removes a stale socket. */
    private static void prepare(Path socket) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        if (Files.exists(socket)) {
            if (ControlClient.isRunning(socket)) {
                throw new IOException("a daemon is already running on " + socket + ": stop it first or give another --socket");
            }
            Files.delete(socket);
        }
    }

    Path socket() { return socket; }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully().awaitUninterruptibly();
        work.shutdownNow();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.fine("cannot remove " + socket + ": " + e.getMessage());
        }
    }

    private static int uid(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
            int peerUid = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials().uid();
            if (peerUid != 0 && peerUid != ownUid) {
                respond(ctx, HttpResponseStatus.FORBIDDEN, error("only root may use the Spore control socket: run the command as root (sudo)"));
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(req.uri());
            HttpMethod method = req.method();
            byte[] body = ByteBufUtil.getBytes(req.content());
            Map<String, List<String>> query = uri.parameters();
            work.execute(() -> {
                try {
                    route(ctx, method, uri.path(), query, body);
                } catch (ApiException e) {
                    respond(ctx, HttpResponseStatus.valueOf(e.status), error(e.getMessage()));
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.FINE, "control request failed", e);
                    respond(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, error(message(e)));
                }
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.FINE, "control connection failed", cause);
            ctx.close();
        }
    }

    private void route(ChannelHandlerContext ctx, HttpMethod method, String path, Map<String, List<String>> query, byte[] body)
            throws IOException {
        String m = method.name();
        switch (m + " " + (path.startsWith("/v1/blocks/") ? "/v1/blocks/*" : path)) {
            case "GET /v1/status" -> respond(ctx, HttpResponseStatus.OK, node.status());
            case "GET /v1/config" -> respond(ctx, HttpResponseStatus.OK, node.config());
            case "GET /v1/peers" -> respond(ctx, HttpResponseStatus.OK, Map.of("peers", node.peers()));
            case "POST /v1/pull" -> {
                String key = field(body, "key");
                stream(ctx, sink -> node.pull(key, sink));
            }
            case "POST /v1/share" -> {
                JsonNode j = parse(body);
                String p = text(j, "path");
                int threads = j.path("threads").asInt(Runtime.getRuntime().availableProcessors());
                stream(ctx, sink -> node.share(p, threads, sink));
            }
            case "GET /v1/mounts" -> respond(ctx, HttpResponseStatus.OK, Map.of("mounts", node.mounts()));
            case "POST /v1/mounts" -> {
                JsonNode j = parse(body);
                respond(ctx, HttpResponseStatus.OK, node.mount(text(j, "key"), j.path("prefetch").asBoolean(true)));
            }
            case "POST /v1/unmount" -> respond(ctx, HttpResponseStatus.OK, node.unmount(field(body, "dir")));
            case "POST /v1/provide" -> respond(ctx, HttpResponseStatus.OK, node.provide(field(body, "key")));
            case "POST /v1/names" -> respond(ctx, HttpResponseStatus.OK, node.nameCreate(field(body, "label")));
            case "GET /v1/names" -> respond(ctx, HttpResponseStatus.OK, node.names());
            case "GET /v1/names/resolve" -> respond(ctx, HttpResponseStatus.OK, node.resolve(queryParam(query, "name")));
            case "POST /v1/publish" -> {
                JsonNode j = parse(body);
                JsonNode life = j.path("lifetimeSeconds");
                if (!life.isMissingNode() && !life.canConvertToLong()) throw new ApiException(400, "\"lifetimeSeconds\" must be a whole number of seconds");
                respond(ctx, HttpResponseStatus.OK, node.publish(text(j, "label"), text(j, "key"), life.isMissingNode() ? 48 * 3600 : life.asLong()));
            }
            case "GET /v1/pins" -> respond(ctx, HttpResponseStatus.OK, node.pins());
            case "POST /v1/pins" -> respond(ctx, HttpResponseStatus.OK, node.pinAdd(field(body, "key")));
            case "POST /v1/pins/rm" -> respond(ctx, HttpResponseStatus.OK, node.pinRemove(field(body, "key")));
            case "POST /v1/gc" -> respond(ctx, HttpResponseStatus.OK, node.gc());
            case "POST /v1/blocks" -> {
                if (body.length == 0) throw new ApiException(400, "empty block: give the block's bytes as the request body");
                respond(ctx, HttpResponseStatus.OK, Map.of("cid", node.putBlock(body)));
            }
            case "GET /v1/blocks/*" -> {
                List<String> peer = query.get("peer");
                byte[] data = node.getBlock(path.substring("/v1/blocks/".length()), peer == null ? null : peer.get(0));
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(data));
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, data.length)
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            }
            default -> throw new ApiException(404, "no such API call: " + m + " " + path + " (see cli/API.md; is the daemon older than this command?)");
        }
    }

    @FunctionalInterface
    private interface Streamed {
        Map<String, Object> run(java.util.function.Consumer<Map<String, Object>> sink) throws IOException;
    }

    /** Streams events as JSON lines; the last line is the result or an error event. */
    private static void stream(ChannelHandlerContext ctx, Streamed op) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson").set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(head);
        java.util.function.Consumer<Map<String, Object>> sink = ev -> {
            if (ctx.channel().isActive()) ctx.writeAndFlush(new DefaultHttpContent(line(ev)));
        };
        Map<String, Object> last;
        try {
            last = op.run(sink);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "streamed request failed", e);
            last = new LinkedHashMap<>();
            last.put("event", "error");
            last.put("message", message(e));
        }
        ctx.writeAndFlush(new DefaultHttpContent(line(last)));
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
    }

    private static ByteBuf line(Map<String, Object> ev) {
        try {
            byte[] b = JSON.writeValueAsBytes(ev);
            return Unpooled.wrappedBuffer(b, new byte[]{'\n'});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event as JSON", e);
        }
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, Object json) {
        byte[] b;
        try {
            b = JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            b = ("{\"error\":\"cannot encode the answer as JSON\"}").getBytes(StandardCharsets.UTF_8);
            status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(b));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, b.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    private static Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replace('\n', ' ');
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode j = JSON.readTree(body);
            if (j == null || !j.isObject()) throw new ApiException(400, "the request body must be a JSON object");
            return j;
        } catch (IOException e) {
            throw new ApiException(400, "the request body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static String text(JsonNode j, String name) {
        JsonNode v = j.get(name);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) throw new ApiException(400, "missing \"" + name + "\" in the request body");
        return v.asText();
    }

    private static String queryParam(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        if (v == null || v.isEmpty() || v.get(0).isEmpty()) throw new ApiException(400, "missing ?" + name + "= in the request");
        return v.get(0);
    }

    private static String field(byte[] body, String name) {
        return text(parse(body), name);
    }
}
