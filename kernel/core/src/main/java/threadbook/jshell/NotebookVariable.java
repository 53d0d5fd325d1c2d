package threadbook.jshell;

/** A variable the notebook declared: a static field {@code name} of the wrapper class {@code className}. */
public record NotebookVariable(String name, String type, String className) {
}
