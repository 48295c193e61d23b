package io.spore.image;

/** What an entry of an image is; a hard link is not a type (see {@link Entry#hardLinkTarget()}). */
public enum FileType {
    REGULAR, DIRECTORY, SYMLINK, CHAR_DEVICE, BLOCK_DEVICE, FIFO, SOCKET
}
