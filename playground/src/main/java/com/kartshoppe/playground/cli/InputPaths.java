package com.kartshoppe.playground.cli;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Checks a command's input files before any work starts, naming the option that gave them. */
final class InputPaths {

    private InputPaths() {}

    /**
     * @throws NoSuchFileException "DIR: no such directory (OPTION)", or "not a directory"
     */
    static Path directory(Path dir, String option) throws NoSuchFileException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(
                    dir.toString(),
                    null,
                    (Files.exists(dir) ? "not a directory" : "no such directory")
                            + " ("
                            + option
                            + ")");
        }
        return dir;
    }

    /**
     * @throws NoSuchFileException "FILE: no such file (OPTION)", or "not a file"
     */
    static Path file(Path file, String option) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(
                    file.toString(),
                    null,
                    (Files.exists(file) ? "not a file" : "no such file") + " (" + option + ")");
        }
        return file;
    }

    /** A file, or a directory holding what the option reads: either must exist. */
    static Path fileOrDirectory(Path path, String option) throws NoSuchFileException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(
                    path.toString(), null, "no such file or directory (" + option + ")");
        }
        return path;
    }
}
