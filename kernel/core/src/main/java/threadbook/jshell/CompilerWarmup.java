package threadbook.jshell;

import java.io.OutputStream;
import java.util.List;

/**
 * Compiles a tiny class in the background while JShell starts the agent JVM: loading and initializing
 * javac (about a second, cold) then overlaps the agent's start instead of following it.
 */
final class CompilerWarmup {
    private CompilerWarmup() {
    }

    /** The warm-up's thread, started; a caller may join it before it needs the compiler. */
    static Thread start() {
        Thread t = new Thread(() -> {
            try {
                javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
                javax.tools.JavaFileObject source = new javax.tools.SimpleJavaFileObject(
                        java.net.URI.create("string:///Warm.java"), javax.tools.JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return "import java.util.*; class Warm { List<String> f() { return new ArrayList<>(); } }";
                    }
                };
                javax.tools.StandardJavaFileManager files = javac.getStandardFileManager(null, null, null);
                javac.getTask(java.io.Writer.nullWriter(), new javax.tools.ForwardingJavaFileManager<>(files) {
                    @Override
                    public javax.tools.JavaFileObject getJavaFileForOutput(Location location, String className,
                            javax.tools.JavaFileObject.Kind kind, javax.tools.FileObject sibling) {
                        return new javax.tools.SimpleJavaFileObject(java.net.URI.create("mem:///" + className + ".class"), kind) {
                            @Override
                            public OutputStream openOutputStream() {
                                return OutputStream.nullOutputStream();
                            }
                        };
                    }
                }, d -> { }, List.of("-proc:none"), null, List.of(source)).call();
            } catch (RuntimeException | LinkageError e) {
                // only a warm-up
            }
        }, "threadbook-compiler-warmup");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
