package io.spore.hostos;

/** A failure of the OS build or the VM that the user can act on; the message says how. */
public class HostOsException extends RuntimeException {
    public HostOsException(String message) {
        super(message);
    }

    public HostOsException(String message, Throwable cause) {
        super(message, cause);
    }
}
