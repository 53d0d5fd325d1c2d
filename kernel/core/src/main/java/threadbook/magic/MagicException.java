package threadbook.magic;

/** A magic was called wrong: the message says what is valid. Nothing has run. */
public final class MagicException extends Exception {
    public MagicException(String message) {
        super(message);
    }
}
