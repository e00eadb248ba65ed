package com.kartshoppe.features.user;

import com.kartshoppe.features.window.WindowStateIo;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/** Compact serializer of {@link CommerceState}, like {@link ActivityStateSerializer}. */
public final class CommerceStateSerializer extends ShopperStateSerializer<CommerceState> {

    private static final long serialVersionUID = 1L;

    public static final CommerceStateSerializer INSTANCE = new CommerceStateSerializer();

    @Override
    public CommerceState copy(CommerceState from) {
        if (from == null) {
            return null;
        }
        CommerceState c = new CommerceState();
        c.orders = WindowStateIo.copy(from.orders);
        c.payments = WindowStateIo.copy(from.payments);
        c.failedLogins = WindowStateIo.copy(from.failedLogins);
        c.cards = WindowStateIo.copy(from.cards);
        c.amounts = WindowStateIo.copy(from.amounts);
        c.lastLogin = from.lastLogin;
        c.lastLoginCountryAt = from.lastLoginCountryAt;
        c.lastLoginCountry = from.lastLoginCountry;
        c.lastPurchase = from.lastPurchase;
        c.lastBinCountryAt = from.lastBinCountryAt;
        c.lastBinCountry = from.lastBinCountry;
        c.accountCreated = from.accountCreated;
        return c;
    }

    @Override
    public void serialize(CommerceState c, DataOutputView out) throws IOException {
        WindowStateIo.write(c.orders, out);
        WindowStateIo.write(c.payments, out);
        WindowStateIo.write(c.failedLogins, out);
        WindowStateIo.write(c.cards, out);
        WindowStateIo.write(c.amounts, out);
        out.writeLong(c.lastLogin);
        out.writeLong(c.lastLoginCountryAt);
        StringValue.writeString(c.lastLoginCountry, out);
        out.writeLong(c.lastPurchase);
        out.writeLong(c.lastBinCountryAt);
        StringValue.writeString(c.lastBinCountry, out);
        out.writeLong(c.accountCreated);
    }

    @Override
    public CommerceState deserialize(DataInputView in) throws IOException {
        CommerceState c = new CommerceState();
        c.orders = WindowStateIo.readSlidingBuckets(in);
        c.payments = WindowStateIo.readSlidingBuckets(in);
        c.failedLogins = WindowStateIo.readSlidingBuckets(in);
        c.cards = WindowStateIo.readRecentDistinct(in);
        c.amounts = WindowStateIo.readAmountHistory(in);
        c.lastLogin = in.readLong();
        c.lastLoginCountryAt = in.readLong();
        c.lastLoginCountry = StringValue.readString(in);
        c.lastPurchase = in.readLong();
        c.lastBinCountryAt = in.readLong();
        c.lastBinCountry = StringValue.readString(in);
        c.accountCreated = in.readLong();
        return c;
    }

    @Override
    public TypeSerializerSnapshot<CommerceState> snapshotConfiguration() {
        return new CommerceStateSerializerSnapshot();
    }

    /** Snapshot of {@link CommerceStateSerializer}; restores state written by the POJO one too. */
    public static final class CommerceStateSerializerSnapshot
            extends ShopperStateSerializer.Snapshot<CommerceState> {

        public CommerceStateSerializerSnapshot() {
            super(() -> INSTANCE, CommerceState.class);
        }
    }
}
