package com.kartshoppe.featurestore;

import com.kartshoppe.events.catalog.FeatureSet;
import com.kartshoppe.featurestore.ingest.FeatureMaterializer;
import com.kartshoppe.featurestore.metrics.FeatureStoreMetrics;
import com.kartshoppe.featurestore.server.FeatureServer;
import com.kartshoppe.featurestore.store.OnlineStore;
import com.kartshoppe.featurestore.store.OnlineStores;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;

/**
 * The whole online feature store: the store, the materialiser filling it from {@code
 * features.user}, and the HTTP server answering from it. {@code kartshoppe serve-features} and the
 * playground run one.
 *
 * <pre>{@code
 * try (FeatureStoreService fs = FeatureStoreService.start(
 *         FeatureStoreSettings.from(conf), FeatureCatalog.ALL, Clock.systemUTC())) {
 *     System.out.println("features at " + fs.uri());
 * }
 * }</pre>
 */
public final class FeatureStoreService implements AutoCloseable {

    private final OnlineStore store;
    private final FeatureMaterializer materializer;
    private final FeatureServer server;
    private final FeatureStoreMetrics metrics;

    private FeatureStoreService(
            OnlineStore store,
            FeatureMaterializer materializer,
            FeatureServer server,
            FeatureStoreMetrics metrics) {
        this.store = store;
        this.materializer = materializer;
        this.server = server;
        this.metrics = metrics;
    }

    /**
     * Opens the store, starts materialising and serving.
     *
     * @throws IOException when the server's address cannot be bound
     * @throws com.kartshoppe.featurestore.store.StoreException when the store cannot be opened
     */
    public static FeatureStoreService start(
            FeatureStoreSettings settings, List<FeatureSet> catalogue, Clock clock)
            throws IOException {
        FeatureStoreMetrics metrics = new FeatureStoreMetrics();
        OnlineStore store = OnlineStores.open(settings, clock);
        FeatureMaterializer materializer = null;
        try {
            materializer = new FeatureMaterializer(settings, store, metrics, clock);
            FeatureServer server =
                    FeatureServer.start(
                            settings, store, catalogue, metrics, materializer::problem, clock);
            materializer.start();
            return new FeatureStoreService(store, materializer, server, metrics);
        } catch (IOException | RuntimeException e) {
            if (materializer != null) {
                materializer.close();
            }
            store.close();
            throw e;
        }
    }

    /** Where the server answers, e.g. {@code http://127.0.0.1:8088}. */
    public URI uri() {
        return server.uri();
    }

    public OnlineStore store() {
        return store;
    }

    public FeatureMaterializer materializer() {
        return materializer;
    }

    public FeatureStoreMetrics metrics() {
        return metrics;
    }

    /**
     * Stops serving, then materialising (the batch in hand is committed), then closes the store.
     */
    @Override
    public void close() {
        server.close();
        materializer.close();
        store.close();
    }
}
