package com.kartshoppe.featurestore.store;

import com.kartshoppe.featurestore.FeatureStoreSettings;
import java.time.Clock;

/** Opens the online store the settings choose. */
public final class OnlineStores {

    private OnlineStores() {}

    /**
     * Opens the configured store.
     *
     * @throws StoreException naming the store when it cannot be opened or reached
     */
    public static OnlineStore open(FeatureStoreSettings settings, Clock clock) {
        return switch (settings.backend()) {
            case ROCKSDB -> RocksDbStore.open(settings.rocksDbPath(), settings.ttl(), clock);
            case REDIS ->
                    RedisStore.open(settings.redisUri(), settings::redisKey, settings.ttl(), clock);
        };
    }
}
