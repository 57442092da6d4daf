package org.jukibus.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Headless Chromium (Debian's {@code chromium} package), driven over the DevTools protocol on a
 * WebSocket from java.net.http: no browser download, no driver binary. A fresh empty profile per
 * instance. If Chromium is not installed this fails with what to install — it never skips.
 */
final class Chromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    static Chromium start() throws Exception {
        return start(null, null, null);
    }

    /**
     * Chromium holding an operator card: the card (PKCS#12) and the root CA go into a fresh NSS database in the
     * browser's own HOME ({@code certutil}/{@code pk12util}, Debian's libnss3-tools), and the managed policy
     * {@code AutoSelectCertificateForUrls} ({@value #POLICY}) makes it present a card with OU=operator to loopback
     * servers that ask for a client certificate, as a terminal configured for an operator would.
     */
    static Chromium start(Path card, char[] cardPassword, Path rootCa) throws Exception {
        String binary = find();
        Path profile = Files.createTempDirectory("jukibus-chromium-");
        ProcessBuilder builder = new ProcessBuilder();
        if (card != null) {
            Path home = profile.resolve("home");
            Path nssdb = home.resolve(".pki").resolve("nssdb");
            Files.createDirectories(nssdb);
            Path pw = profile.resolve("card.pass");
            Files.writeString(pw, new String(cardPassword) + "\n");
            nss(profile, "certutil", "-N", "--empty-password", "-d", "sql:" + nssdb);
            nss(profile, "certutil", "-A", "-t", "C,,", "-n", "jukibus-root-ca", "-i", rootCa.toString(), "-d", "sql:" + nssdb);
            nss(profile, "pk12util", "-i", card.toString(), "-w", pw.toString(), "-d", "sql:" + nssdb);
            Files.delete(pw);
            ensurePolicy();
            builder.environment().put("HOME", home.toString());
        }
        Process process = builder.command(binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
                "--window-size=1600,1000", "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        Instant deadline = Instant.now().plusSeconds(60);
        while (!Files.isRegularFile(portFile) || Files.readAllLines(portFile).size() < 2) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroyForcibly();
                throw new IllegalStateException("Chromium did not open its DevTools port: "
                        + Files.readString(profile.resolve("chromium.log")));
            }
            Thread.sleep(100);
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
        HttpClient http = HttpClient.newHttpClient();
        String targets = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String pageSocket = null;
        for (JsonNode target : JSON.readTree(targets)) {
            if ("page".equals(target.path("type").asText())) {
                pageSocket = target.path("webSocketDebuggerUrl").asText();
                break;
            }
        }
        if (pageSocket == null) {
            process.destroyForcibly();
            throw new IllegalStateException("Chromium has no page target: " + targets);
        }
        Chromium[] self = new Chromium[1];
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new WebSocket.Listener() {
            private final StringBuilder frame = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                frame.append(data);
                if (last) {
                    String text = frame.toString();
                    frame.setLength(0);
                    self[0].received(text);
                }
                ws.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        self[0] = new Chromium(process, profile, socket);
        return self[0];
    }

    static final String POLICY = "/etc/chromium/policies/managed/jukibus-operator-card.json";

    /** Writes the managed policy that selects the operator card for loopback servers, unless it is there. */
    private static void ensurePolicy() throws IOException {
        Path policy = Path.of(POLICY);
        String content = "{\"AutoSelectCertificateForUrls\": [\"{\\\"pattern\\\":\\\"127.0.0.1\\\",\\\"filter\\\":"
                + "{\\\"SUBJECT\\\":{\\\"OU\\\":\\\"operator\\\"}}}\"]}\n";
        if (Files.isRegularFile(policy) && Files.readString(policy).equals(content)) {
            return;
        }
        try {
            Files.createDirectories(policy.getParent());
            Files.writeString(policy, content);
        } catch (IOException e) {
            throw new IllegalStateException("the browser test needs Chromium's managed policy " + POLICY + " with " + content
                    + " (.ci/run writes it; it needs root)", e);
        }
    }

    /** Runs an NSS tool (Debian's libnss3-tools), failing with what to install if it is not there. */
    private static void nss(Path dir, String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("nss.log").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("the browser test needs " + command[0] + ": install Debian's libnss3-tools "
                    + "(apt-get install -y libnss3-tools; .ci/run does this)", e);
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(dir.resolve("nss.log")));
        }
    }

    /** Debian's chromium on the PATH (or at /usr/bin/chromium), else a failure saying what to install. */
    private static String find() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, "chromium");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        if (Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            return "/usr/bin/chromium";
        }
        throw new IllegalStateException("the browser test needs headless Chromium: install Debian's `chromium` package"
                + " (apt-get install -y chromium; .ci/run does this)");
    }

    private void received(String text) {
        try {
            JsonNode message = JSON.readTree(text);
            if (message.has("id")) {
                CompletableFuture<JsonNode> waiting = pending.remove(message.get("id").asInt());
                if (waiting != null) {
                    if (message.has("error")) {
                        waiting.completeExceptionally(new IllegalStateException("DevTools: " + message.get("error")));
                    } else {
                        waiting.complete(message.path("result"));
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends one DevTools command and waits for its result. */
    JsonNode call(String method, Map<String, Object> params) throws Exception {
        int id = nextId.getAndIncrement();
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        pending.put(id, result);
        socket.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true).get(30, TimeUnit.SECONDS);
        return result.get(60, TimeUnit.SECONDS);
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", Map.of("url", url));
        waitFor("page loaded", "document.readyState === 'complete' ? location.href : null", Duration.ofSeconds(60));
    }

    /** Evaluates JavaScript in the page and returns its value (promises awaited). */
    JsonNode eval(String expression) throws Exception {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("JavaScript failed: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Polls an expression until it yields something truthy; fails with the page's text otherwise. */
    JsonNode waitFor(String what, String expression, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            JsonNode value;
            try {
                value = eval(expression);
            } catch (IllegalStateException e) {
                value = null; // the page is navigating
            }
            if (value != null && !value.isNull() && !value.isMissingNode() && !(value.isBoolean() && !value.asBoolean())
                    && !(value.isTextual() && value.asText().isEmpty())) {
                return value;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what + "; the page at " + eval("location.href").asText()
                        + " shows:\n" + text());
            }
            Thread.sleep(250);
        }
    }

    /** The page's visible text. */
    String text() throws Exception {
        return eval("document.body ? document.body.innerText : ''").asText();
    }

    void screenshot(Path file) throws Exception {
        JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png"));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
    }

    @Override
    public void close() throws Exception {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the browser goes anyway
        }
        // Chromium's helper processes (renderer, network service) outlive the main one and keep
        // writing into the profile: end them all before removing it
        List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        for (ProcessHandle helper : helpers) {
            helper.destroyForcibly();
            helper.onExit().get(10, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(profile)) {
            List<Path> all = new ArrayList<>(files.toList());
            java.util.Collections.reverse(all);
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // a leftover temp profile is harmless
        }
    }
}
