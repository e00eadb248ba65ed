package com.kartshoppe.featurestore.store;

import com.kartshoppe.events.EventType;
import com.kartshoppe.events.FeatureSnapshot;
import com.kartshoppe.events.serde.AvroCodec;
import com.kartshoppe.events.serde.DecodeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The embedded online store: one RocksDB database in a local directory. Key: feature set and entity
 * id; value: the snapshot's event time (8 bytes, for comparing and purging without decoding)
 * followed by the snapshot, Avro single-object encoded. Expired values are hidden at once and
 * deleted by {@link #purgeExpired}.
 */
public final class RocksDbStore implements OnlineStore {

    static {
        RocksDB.loadLibrary();
    }

    /** The one key that is no entity's: feature-set names are never empty. */
    private static final byte[] INITIALIZED = {0};

    private static final AvroCodec<FeatureSnapshot> CODEC =
            AvroCodec.of(EventType.FEATURE_SNAPSHOT);

    private final Path path;
    private final Duration ttl;
    private final Clock clock;
    private final Options options;
    private final WriteOptions writeOptions;
    private final RocksDB db;

    private RocksDbStore(Path path, Duration ttl, Clock clock, Options options, RocksDB db) {
        this.path = path;
        this.ttl = ttl;
        this.clock = clock;
        this.options = options;
        this.writeOptions = new WriteOptions();
        this.db = db;
    }

    /**
     * Opens (or creates) the store in {@code path}.
     *
     * @throws StoreException naming the directory when RocksDB cannot open it (e.g. another process
     *     holds it)
     */
    public static RocksDbStore open(Path path, Duration ttl, Clock clock) {
        Options options =
                new Options()
                        .setCreateIfMissing(true)
                        .setCompressionType(CompressionType.LZ4_COMPRESSION);
        try {
            Files.createDirectories(path);
            return new RocksDbStore(
                    path, ttl, clock, options, RocksDB.open(options, path.toString()));
        } catch (Exception e) {
            options.close();
            throw new StoreException("Cannot open the RocksDB feature store in " + path, e);
        }
    }

    @Override
    public WriteResult write(List<FeatureSnapshot> snapshots) {
        Newest.Batch batch = Newest.of(snapshots, ttl, clock);
        if (batch.byKey().isEmpty()) {
            // RocksDB's multiGet asserts on no keys: a batch of tombstones only, or all expired.
            return new WriteResult(0, batch.stale(), batch.expired());
        }
        List<byte[]> keys = new ArrayList<>(batch.byKey().size());
        for (String key : batch.byKey().keySet()) {
            keys.add(key.getBytes(StandardCharsets.UTF_8));
        }
        int written = 0;
        int stale = batch.stale();
        try (WriteBatch updates = new WriteBatch()) {
            List<byte[]> held = db.multiGetAsList(keys);
            int i = 0;
            for (FeatureSnapshot s : batch.byKey().values()) {
                byte[] old = held.get(i);
                if (old != null && eventTime(old) > s.getEventTime().toEpochMilli()) {
                    stale++;
                } else {
                    updates.put(keys.get(i), value(s));
                    written++;
                }
                i++;
            }
            db.write(writeOptions, updates);
        } catch (RocksDBException e) {
            throw new StoreException("Cannot write to the RocksDB feature store in " + path, e);
        }
        return new WriteResult(written, stale, batch.expired());
    }

    @Override
    public int delete(List<Key> keys) {
        if (keys.isEmpty()) {
            return 0;
        }
        List<byte[]> bytes = new ArrayList<>(keys.size());
        for (Key k : keys) {
            bytes.add(Newest.key(k.featureSet(), k.entityId()).getBytes(StandardCharsets.UTF_8));
        }
        int held = 0;
        try (WriteBatch deletes = new WriteBatch()) {
            List<byte[]> values = db.multiGetAsList(bytes);
            for (int i = 0; i < bytes.size(); i++) {
                if (values.get(i) != null) {
                    held++;
                }
                deletes.delete(bytes.get(i));
            }
            db.write(writeOptions, deletes);
        } catch (RocksDBException e) {
            throw new StoreException("Cannot delete from the RocksDB feature store in " + path, e);
        }
        return held;
    }

    @Override
    public Optional<FeatureSnapshot> get(String featureSet, String entityId) {
        return getAll(featureSet, List.of(entityId)).get(0);
    }

    @Override
    public List<Optional<FeatureSnapshot>> getAll(String featureSet, List<String> entityIds) {
        List<byte[]> keys = new ArrayList<>(entityIds.size());
        for (String id : entityIds) {
            keys.add(Newest.key(featureSet, id).getBytes(StandardCharsets.UTF_8));
        }
        List<byte[]> values;
        try {
            values = db.multiGetAsList(keys);
        } catch (RocksDBException e) {
            throw new StoreException("Cannot read the RocksDB feature store in " + path, e);
        }
        Instant now = clock.instant();
        List<Optional<FeatureSnapshot>> found = new ArrayList<>(values.size());
        for (byte[] value : values) {
            found.add(
                    value == null
                                    || Newest.expired(
                                            Instant.ofEpochMilli(eventTime(value)), ttl, now)
                            ? Optional.empty()
                            : Optional.of(decode(value)));
        }
        return found;
    }

    @Override
    public boolean initialized() {
        try {
            return db.get(INITIALIZED) != null;
        } catch (RocksDBException e) {
            throw new StoreException("Cannot read the RocksDB feature store in " + path, e);
        }
    }

    @Override
    public void markInitialized() {
        try {
            db.put(writeOptions, INITIALIZED, new byte[0]);
        } catch (RocksDBException e) {
            throw new StoreException("Cannot write to the RocksDB feature store in " + path, e);
        }
    }

    @Override
    public long purgeExpired() {
        if (ttl.isZero()) {
            return 0;
        }
        Instant now = clock.instant();
        long purged = 0;
        try (RocksIterator it = db.newIterator();
                WriteBatch deletes = new WriteBatch()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] value = it.value();
                if (value.length >= Long.BYTES
                        && !Arrays.equals(it.key(), INITIALIZED)
                        && Newest.expired(Instant.ofEpochMilli(eventTime(value)), ttl, now)) {
                    deletes.delete(it.key());
                    purged++;
                }
            }
            db.write(writeOptions, deletes);
        } catch (RocksDBException e) {
            throw new StoreException("Cannot purge the RocksDB feature store in " + path, e);
        }
        return purged;
    }

    @Override
    public String describe() {
        return "rocksdb:" + path.toAbsolutePath();
    }

    @Override
    public void close() {
        db.close();
        writeOptions.close();
        options.close();
    }

    private static byte[] value(FeatureSnapshot s) {
        byte[] encoded = CODEC.encode(s);
        return ByteBuffer.allocate(Long.BYTES + encoded.length)
                .putLong(s.getEventTime().toEpochMilli())
                .put(encoded)
                .array();
    }

    private static long eventTime(byte[] value) {
        return ByteBuffer.wrap(value, 0, Long.BYTES).getLong();
    }

    private FeatureSnapshot decode(byte[] value) {
        try {
            return CODEC.decode(Arrays.copyOfRange(value, Long.BYTES, value.length));
        } catch (DecodeException e) {
            throw new StoreException(
                    "The RocksDB feature store in " + path + " holds an unreadable value", e);
        }
    }
}
