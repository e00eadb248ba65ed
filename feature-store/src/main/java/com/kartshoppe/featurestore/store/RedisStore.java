package com.kartshoppe.featurestore.store;

import com.kartshoppe.events.FeatureSnapshot;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BinaryOperator;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The online store in Redis: one hash per entity and feature set, at a configurable key (e.g.
 * {@code kartshoppe:features:fraud_v1:u-42}), holding each feature value by name (as Java's
 * shortest round-tripping decimal), {@code __version} and {@code __event_time} (epoch millis). A
 * Lua script replaces a hash only if its event time is not newer than the incoming one, so the
 * check and the write are one atomic step even with several writers. With a TTL the key expires at
 * event time + TTL.
 */
public final class RedisStore implements OnlineStore {

    static final String VERSION = "__version";
    static final String EVENT_TIME = "__event_time";

    /**
     * KEYS[1] the hash; ARGV: event time, version, expire-at (0: never), then name, value pairs.
     * Returns 1 if written, 0 if the hash holds a newer event time.
     */
    private static final String NEWEST_WINS =
            """
            local held = redis.call('HGET', KEYS[1], '__event_time')
            if held and tonumber(held) > tonumber(ARGV[1]) then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], '__event_time', ARGV[1], '__version', ARGV[2], unpack(ARGV, 4))
            if ARGV[3] ~= '0' then redis.call('PEXPIREAT', KEYS[1], ARGV[3]) end
            return 1
            """;

    private final RedisClient redis;
    private final String where;
    private final BinaryOperator<String> keyOf;
    private final Duration ttl;
    private final Clock clock;
    private volatile String script;

    private RedisStore(
            RedisClient redis,
            String where,
            BinaryOperator<String> keyOf,
            Duration ttl,
            Clock clock) {
        this.redis = redis;
        this.where = where;
        this.keyOf = keyOf;
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * Connects to Redis at {@code uri} and loads the write script.
     *
     * @param keyOf the key of (feature set, entity id)
     * @throws StoreException naming the server when it cannot be reached
     */
    public static RedisStore open(
            URI uri, BinaryOperator<String> keyOf, Duration ttl, Clock clock) {
        String where = uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
        RedisClient redis = RedisClient.create(uri);
        RedisStore store = new RedisStore(redis, where, keyOf, ttl, clock);
        try {
            store.script = redis.scriptLoad(NEWEST_WINS);
        } catch (JedisException e) {
            redis.close();
            throw new StoreException("Cannot reach the Redis feature store at " + where, e);
        }
        return store;
    }

    @Override
    public WriteResult write(List<FeatureSnapshot> snapshots) {
        Newest.Batch batch = Newest.of(snapshots, ttl, clock);
        try {
            return written(batch);
        } catch (JedisNoScriptException e) {
            // Redis restarted or flushed its scripts: load again; the batch is idempotent.
            try {
                script = redis.scriptLoad(NEWEST_WINS);
                return written(batch);
            } catch (JedisException again) {
                throw new StoreException(
                        "Cannot write to the Redis feature store at " + where, again);
            }
        } catch (JedisException e) {
            throw new StoreException("Cannot write to the Redis feature store at " + where, e);
        }
    }

    private WriteResult written(Newest.Batch batch) {
        List<Response<Object>> replies = new ArrayList<>(batch.byKey().size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (FeatureSnapshot s : batch.byKey().values()) {
                replies.add(
                        pipeline.evalsha(
                                script,
                                List.of(keyOf.apply(s.getFeatureSet(), s.getEntityId())),
                                arguments(s)));
            }
            pipeline.sync();
        }
        int written = 0;
        for (Response<Object> reply : replies) {
            written += ((Long) reply.get()).intValue();
        }
        return new WriteResult(written, batch.stale() + replies.size() - written, batch.expired());
    }

    private List<String> arguments(FeatureSnapshot s) {
        long eventTime = s.getEventTime().toEpochMilli();
        List<String> args = new ArrayList<>(3 + 2 * s.getValues().size());
        args.add(Long.toString(eventTime));
        args.add(Integer.toString(s.getFeatureSetVersion()));
        args.add(ttl.isZero() ? "0" : Long.toString(eventTime + ttl.toMillis()));
        for (Map.Entry<String, Double> v : s.getValues().entrySet()) {
            args.add(v.getKey());
            args.add(Double.toString(v.getValue()));
        }
        return args;
    }

    @Override
    public int delete(List<Key> keys) {
        if (keys.isEmpty()) {
            return 0;
        }
        String[] names =
                keys.stream()
                        .map(k -> keyOf.apply(k.featureSet(), k.entityId()))
                        .toArray(String[]::new);
        try {
            return (int) redis.del(names);
        } catch (JedisException e) {
            throw new StoreException("Cannot delete from the Redis feature store at " + where, e);
        }
    }

    @Override
    public Optional<FeatureSnapshot> get(String featureSet, String entityId) {
        try {
            return snapshot(featureSet, entityId, redis.hgetAll(keyOf.apply(featureSet, entityId)));
        } catch (JedisException e) {
            throw new StoreException("Cannot read the Redis feature store at " + where, e);
        }
    }

    @Override
    public List<Optional<FeatureSnapshot>> getAll(String featureSet, List<String> entityIds) {
        List<Response<Map<String, String>>> replies = new ArrayList<>(entityIds.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String id : entityIds) {
                replies.add(pipeline.hgetAll(keyOf.apply(featureSet, id)));
            }
            pipeline.sync();
        } catch (JedisException e) {
            throw new StoreException("Cannot read the Redis feature store at " + where, e);
        }
        List<Optional<FeatureSnapshot>> found = new ArrayList<>(entityIds.size());
        for (int i = 0; i < entityIds.size(); i++) {
            found.add(snapshot(featureSet, entityIds.get(i), replies.get(i).get()));
        }
        return found;
    }

    private Optional<FeatureSnapshot> snapshot(
            String featureSet, String entityId, Map<String, String> hash) {
        String eventTime = hash.get(EVENT_TIME);
        if (eventTime == null) {
            return Optional.empty();
        }
        Instant time = Instant.ofEpochMilli(Long.parseLong(eventTime));
        // Redis expires the key itself; this only hides one in the moment before it does.
        if (Newest.expired(time, ttl, clock.instant())) {
            return Optional.empty();
        }
        Map<String, Double> values = new HashMap<>();
        for (Map.Entry<String, String> field : hash.entrySet()) {
            if (!field.getKey().equals(EVENT_TIME) && !field.getKey().equals(VERSION)) {
                values.put(field.getKey(), Double.parseDouble(field.getValue()));
            }
        }
        return Optional.of(
                FeatureSnapshot.newBuilder()
                        .setEntityId(entityId)
                        .setFeatureSet(featureSet)
                        .setFeatureSetVersion(Integer.parseInt(hash.get(VERSION)))
                        .setEventTime(time)
                        .setValues(values)
                        .build());
    }

    @Override
    public boolean initialized() {
        try {
            return redis.exists(initializedKey());
        } catch (JedisException e) {
            throw new StoreException("Cannot read the Redis feature store at " + where, e);
        }
    }

    @Override
    public void markInitialized() {
        try {
            redis.set(initializedKey(), "1");
        } catch (JedisException e) {
            throw new StoreException("Cannot write to the Redis feature store at " + where, e);
        }
    }

    /** A key in the configured layout that no feature set uses (their names have no '#'). */
    private String initializedKey() {
        return keyOf.apply("#store", "initialized");
    }

    @Override
    public String describe() {
        return "redis:" + where;
    }

    @Override
    public void close() {
        redis.close();
    }
}
