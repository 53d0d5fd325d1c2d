package threadbook.api.widgets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import threadbook.agent.Comms;
import threadbook.agent.Json;

/**
 * The jupyter.widget.control comm target: a frontend that opens a notebook whose kernel already has
 * widgets (a reload of the page) asks for all their states at once, as ipywidgets 8 answers it.
 */
final class WidgetControl {
    private WidgetControl() {}

    static void register() {
        Comms.registerTarget("jupyter.widget.control", open -> message -> {
            if (message.kind() != threadbook.agent.CommMessage.Kind.MSG
                    || !"request_states".equals(Json.parseObject(message.data()).get("method"))) {
                return;
            }
            List<List<String>> paths = new ArrayList<>();
            List<byte[]> buffers = new ArrayList<>();
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("method", "update_states");
            data.put("states", Widget.allStates(paths, buffers));
            data.put("buffer_paths", paths);
            Comms.send(open.commId(), Json.write(data), buffers);
        });
    }
}
