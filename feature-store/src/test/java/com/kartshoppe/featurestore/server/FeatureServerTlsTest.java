package com.kartshoppe.featurestore.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.featurestore.FeatureStoreOptions;
import com.kartshoppe.featurestore.FeatureStoreSettings;
import com.kartshoppe.featurestore.metrics.FeatureStoreMetrics;
import com.kartshoppe.featurestore.store.OnlineStore;
import com.kartshoppe.featurestore.store.RocksDbStore;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feature server over TLS, with a key store made by the JDK's {@code keytool} for this test
 * only: a client that trusts just that certificate gets its answers, next to the bearer token; a
 * client with the JDK's default trust store, and plain HTTP, get none.
 */
class FeatureServerTlsTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final String TOKEN = "tls-token";
    private static final String PASSWORD = "test-key-store-password";

    @TempDir static Path keys;

    @TempDir Path dir;

    private static Path keyStore;

    private OnlineStore store;
    private FeatureServer server;

    @BeforeAll
    static void makeKeyStore() throws Exception {
        keyStore = keys.resolve("server.p12");
        keytool(keyStore);
    }

    @BeforeEach
    void start() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        store = RocksDbStore.open(dir.resolve("store"), Duration.ofDays(7), clock);
        store.write(
                List.of(
                        FeatureSnapshot.newBuilder()
                                .setFeatureSet("fraud_v1")
                                .setFeatureSetVersion(1)
                                .setEntityId("u-1")
                                .setEventTime(NOW.minusSeconds(1))
                                .setValues(Map.of("orders_1h", 3.0))
                                .build()));
        Configuration conf = new Configuration();
        conf.set(FeatureStoreOptions.SERVER_PORT, 0);
        conf.set(FeatureStoreOptions.SERVER_TOKEN, TOKEN);
        conf.set(FeatureStoreOptions.TLS_KEY_STORE, keyStore.toString());
        conf.set(FeatureStoreOptions.TLS_KEY_STORE_PASSWORD, PASSWORD);
        server =
                FeatureServer.start(
                        FeatureStoreSettings.from(conf),
                        store,
                        FeatureCatalog.ALL,
                        new FeatureStoreMetrics(),
                        () -> null,
                        clock);
    }

    @AfterEach
    void stop() {
        server.close();
        store.close();
    }

    @Test
    void aClientTrustingOnlyTheTestCertificateGetsItsAnswersOverHttps() throws Exception {
        assertThat(server.uri().getScheme()).isEqualTo("https");
        HttpClient client = HttpClient.newBuilder().sslContext(trustingOnly(keyStore)).build();

        HttpResponse<String> answer = client.send(get("/features/fraud_v1/u-1", TOKEN), ofString());
        HttpResponse<String> noToken = client.send(get("/features/fraud_v1/u-1", null), ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"orders_1h\":3.0");
        assertThat(noToken.statusCode()).isEqualTo(401);
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefused() {
        HttpClient defaultTrust = HttpClient.newHttpClient();

        assertThatThrownBy(() -> defaultTrust.send(get("/health", null), ofString()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void plainHttpGetsNoAnswer() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.uri().getPort())) {
            // A plain HTTP server answers within milliseconds; the TLS server never does (it
            // waits for a handshake until its 10 s handshake timeout, then closes).
            socket.setSoTimeout(2_000);
            socket.getOutputStream()
                    .write(
                            "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(answer);
            } catch (SocketTimeoutException e) {
                // no answer within 2 s
            }

            assertThat(answer.toString(StandardCharsets.US_ASCII)).doesNotContain("HTTP/");
        }
    }

    @Test
    void aMissingKeyStoreOrPasswordIsAnErrorNamingTheOption() {
        Configuration missing = new Configuration();
        missing.set(FeatureStoreOptions.TLS_KEY_STORE, dir.resolve("nope.p12").toString());
        missing.set(FeatureStoreOptions.TLS_KEY_STORE_PASSWORD, PASSWORD);
        Configuration noPassword = new Configuration();
        noPassword.set(FeatureStoreOptions.TLS_KEY_STORE, keyStore.toString());

        assertThatThrownBy(() -> FeatureStoreSettings.from(missing))
                .hasMessageStartingWith("feature-store.server.tls.key-store: cannot read");
        assertThatThrownBy(() -> FeatureStoreSettings.from(noPassword))
                .hasMessageStartingWith("feature-store.server.tls.key-store-password: must be set");
    }

    private HttpRequest get(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    private static HttpResponse.BodyHandler<String> ofString() {
        return HttpResponse.BodyHandlers.ofString();
    }

    /** A PKCS12 key store with a fresh self-signed certificate for 127.0.0.1 and localhost. */
    private static void keytool(Path keyStore) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p =
                new ProcessBuilder(
                                keytool.toString(),
                                "-genkeypair",
                                "-alias",
                                "feature-server",
                                "-keyalg",
                                "EC",
                                "-groupname",
                                "secp256r1",
                                "-dname",
                                "CN=localhost",
                                "-ext",
                                "SAN=ip:127.0.0.1,dns:localhost",
                                "-validity",
                                "2",
                                "-storetype",
                                "PKCS12",
                                "-keystore",
                                keyStore.toString(),
                                "-storepass",
                                PASSWORD,
                                "-keypass",
                                PASSWORD)
                        .redirectErrorStream(true)
                        .start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(output).isZero();
    }

    /** An SSL context whose only trusted certificate is the key store's. */
    private static SSLContext trustingOnly(Path keyStore) throws Exception {
        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            server.load(in, PASSWORD.toCharArray());
        }
        Certificate certificate = server.getCertificate("feature-server");
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("feature-server", certificate);
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
