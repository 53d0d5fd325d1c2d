package threadbook.debug;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Collection;

/** What the debugger tells JupyterLab about itself: initialize's capabilities and debugInfo's state. */
final class Capabilities {
    private Capabilities() {}

    static JsonObject initialize() {
        JsonObject body = new JsonObject();
        body.addProperty("supportsConfigurationDoneRequest", true);
        body.addProperty("supportsEvaluateForHovers", true);
        body.addProperty("supportsModulesRequest", true);
        body.addProperty("supportsSetVariable", false);
        body.addProperty("supportsConditionalBreakpoints", false);
        body.addProperty("supportsStepBack", false);
        body.addProperty("supportsTerminateRequest", false);
        body.addProperty("supportsDelayedStackTraceLoading", false);
        JsonArray filters = new JsonArray();
        JsonObject uncaught = new JsonObject();
        uncaught.addProperty("filter", "uncaught");
        uncaught.addProperty("label", "Uncaught exceptions");
        uncaught.addProperty("default", false);
        filters.add(uncaught);
        body.add("exceptionBreakpointFilters", filters);
        return body;
    }

    static JsonObject debugInfo(boolean started, String prefix, Breakpoints breakpoints, Collection<Integer> stopped) {
        JsonObject body = new JsonObject();
        body.addProperty("isStarted", started);
        body.addProperty("hashMethod", "Murmur2");
        body.addProperty("hashSeed", Murmur2.SEED);
        body.addProperty("tmpFilePrefix", prefix);
        body.addProperty("tmpFileSuffix", CellSources.SUFFIX);
        JsonArray list = new JsonArray();
        breakpoints.forEach((path, lines) -> {
            JsonObject one = new JsonObject();
            one.addProperty("source", path);
            JsonArray bps = new JsonArray();
            for (int line : lines) {
                JsonObject bp = new JsonObject();
                bp.addProperty("line", line);
                bps.add(bp);
            }
            one.add("breakpoints", bps);
            list.add(one);
        });
        body.add("breakpoints", list);
        JsonArray ids = new JsonArray();
        stopped.forEach(ids::add);
        body.add("stoppedThreads", ids);
        body.addProperty("richRendering", true);
        JsonArray paths = new JsonArray();
        paths.add("Java Exceptions");
        body.add("exceptionPaths", paths);
        body.addProperty("copyToGlobals", false);
        // Said here because a student may wonder why a breakpoint in a worker's task never stops.
        body.addProperty("note", "Worker processes (%workers, WorkerPool) are not debugged: breakpoints stop the notebook's own JVM only.");
        return body;
    }
}
