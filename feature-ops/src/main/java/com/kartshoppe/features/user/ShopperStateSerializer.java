package com.kartshoppe.features.user;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The common part of the compact serializers of the shopper's state ({@link
 * ActivityStateSerializer}, {@link CommerceStateSerializer}): stateless singletons whose snapshots
 * also accept state written by Flink's POJO serializer (savepoints taken before they existed),
 * which Flink then migrates on restore.
 */
abstract class ShopperStateSerializer<T> extends TypeSerializerSingleton<T> {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public T createInstance() {
        return null;
    }

    @Override
    public T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    /**
     * Snapshot of a compact shopper-state serializer: compatible as is with itself, and after
     * migration with any earlier serializer of the same class (the POJO serializer of savepoints
     * taken before this layout).
     */
    abstract static class Snapshot<T> extends SimpleTypeSerializerSnapshot<T> {

        private final Class<T> type;

        Snapshot(
                java.util.function.Supplier<? extends TypeSerializer<T>> serializer,
                Class<T> type) {
            super(serializer);
            this.type = type;
        }

        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
                TypeSerializerSnapshot<T> old) {
            if (old.getClass() == getClass()) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            TypeSerializer<T> previous = old.restoreSerializer();
            if (previous.createInstance() != null && type.isInstance(previous.createInstance())) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
