package threadbook.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import threadbook.protocol.Message;

/** The kernel_info_reply: what the kernel is, and how frontends should treat Java cells. */
final class KernelInfo {
    static final String VERSION = "0.1.0";

    private KernelInfo() {}

    static JsonObject content() {
        Runtime.Version java = Runtime.version();
        JsonObject language = new JsonObject();
        language.addProperty("name", "java");
        language.addProperty("version", java.toString());
        language.addProperty("mimetype", "text/x-java");
        // .java: the extension jupytext, nbconvert's script exporter and editors know as Java. An exported
        // notebook holds top-level statements and methods, which `jshell FILE` runs and javac does not compile.
        language.addProperty("file_extension", ".java");
        language.addProperty("codemirror_mode", "text/x-java");
        language.addProperty("pygments_lexer", "java");

        JsonObject content = new JsonObject();
        content.addProperty("status", "ok");
        content.addProperty("protocol_version", Message.PROTOCOL_VERSION);
        content.addProperty("implementation", "threadbook");
        content.addProperty("implementation_version", VERSION);
        content.add("language_info", language);
        content.addProperty("banner", "Threadbook " + VERSION + " - Java " + java + " ("
                + System.getProperty("java.vendor", "unknown vendor") + "), running cells with JShell.\n"
                + "Threads, processes and async, measured. Type %lsmagic for the magics.");
        // JupyterLab enables its debugger for a kernel that says so here and in its kernelspec.
        content.addProperty("debugger", true);
        JsonArray features = new JsonArray();
        features.add("debugger");
        // JEP 91's subshells, under the name JupyterLab 4.6 and ipykernel 7 use (with a space).
        features.add("kernel subshells");
        content.add("supported_features", features);
        JsonArray links = new JsonArray();
        links.add(link("Java " + java.feature() + " API",
                "https://docs.oracle.com/en/java/javase/" + java.feature() + "/docs/api/"));
        links.add(link("JShell guide", "https://docs.oracle.com/en/java/javase/" + java.feature()
                + "/jshell/introduction-jshell.html"));
        content.add("help_links", links);
        return content;
    }

    private static JsonObject link(String text, String url) {
        JsonObject o = new JsonObject();
        o.addProperty("text", text);
        o.addProperty("url", url);
        return o;
    }
}
