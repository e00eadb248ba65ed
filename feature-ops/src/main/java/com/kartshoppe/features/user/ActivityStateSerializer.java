package com.kartshoppe.features.user;

import com.kartshoppe.features.window.WindowStateIo;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Compact serializer of {@link ActivityState}: only the ring buckets and set members in use, no
 * reflection. Every event reads and writes this state, so on RocksDB its size and encoding cost are
 * paid twice per event.
 */
public final class ActivityStateSerializer extends ShopperStateSerializer<ActivityState> {

    private static final long serialVersionUID = 1L;

    public static final ActivityStateSerializer INSTANCE = new ActivityStateSerializer();

    @Override
    public ActivityState copy(ActivityState from) {
        if (from == null) {
            return null;
        }
        ActivityState a = new ActivityState();
        a.views = WindowStateIo.copy(from.views);
        a.devices = WindowStateIo.copy(from.devices);
        a.sessionStart = from.sessionStart;
        a.sessionLast = from.sessionLast;
        a.sessionViews = from.sessionViews;
        a.sessionItems = WindowStateIo.copy(from.sessionItems);
        a.lastSeen = from.lastSeen;
        a.cleanupTimer = from.cleanupTimer;
        return a;
    }

    @Override
    public void serialize(ActivityState a, DataOutputView out) throws IOException {
        WindowStateIo.write(a.views, out);
        WindowStateIo.write(a.devices, out);
        out.writeLong(a.sessionStart);
        out.writeLong(a.sessionLast);
        out.writeInt(a.sessionViews);
        WindowStateIo.write(a.sessionItems, out);
        out.writeLong(a.lastSeen);
        out.writeLong(a.cleanupTimer);
    }

    @Override
    public ActivityState deserialize(DataInputView in) throws IOException {
        ActivityState a = new ActivityState();
        a.views = WindowStateIo.readSlidingBuckets(in);
        a.devices = WindowStateIo.readRecentDistinct(in);
        a.sessionStart = in.readLong();
        a.sessionLast = in.readLong();
        a.sessionViews = in.readInt();
        a.sessionItems = WindowStateIo.readRecentDistinct(in);
        a.lastSeen = in.readLong();
        a.cleanupTimer = in.readLong();
        return a;
    }

    @Override
    public TypeSerializerSnapshot<ActivityState> snapshotConfiguration() {
        return new ActivityStateSerializerSnapshot();
    }

    /** Snapshot of {@link ActivityStateSerializer}; restores state written by the POJO one too. */
    public static final class ActivityStateSerializerSnapshot
            extends ShopperStateSerializer.Snapshot<ActivityState> {

        public ActivityStateSerializerSnapshot() {
            super(() -> INSTANCE, ActivityState.class);
        }
    }
}
