package threadbook.jshell;

/**
 * A method, type or import the notebook defined, as the user wrote it and where: what a new Java
 * session defines again after the one before it ended.
 */
public record Definition(String source, String cellLabel, int firstLine) {}
