package com.kartshoppe.inference.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writing model files so a watching registry never reads half of one, and input buffers. */
public final class ModelFiles {

    private ModelFiles() {}

    /**
     * Writes {@code content} to a hidden temporary file next to {@code target} (ignored by the
     * registry), then moves it into place atomically, replacing an existing file.
     */
    public static Path publish(InputStream content, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
        Files.copy(content, tmp, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(
                tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * A direct, native-order buffer of {@code floats} floats, as onnxruntime reads without a copy.
     */
    public static FloatBuffer floatBuffer(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }
}
