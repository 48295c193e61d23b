package io.spore.image;

import java.io.IOException;

/** A file whose size or content changed while it was being imported. */
public class FileChangedException extends IOException {
    public FileChangedException(String message) {
        super(message);
    }
}
