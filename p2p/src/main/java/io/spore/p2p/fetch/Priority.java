package io.spore.p2p.fetch;

/** The scheduler's classes, served strictly in this order (design.md, Fetching). */
public enum Priority {
    /** A read is waiting (FUSE, a command). */
    URGENT,
    /** The image's boot profile, in order. */
    PROFILE,
    /** The rest of the image, in stream order. */
    BACKGROUND
}
