package threadbook.jshell;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;

/**
 * The notebook's live methods, types and imports, in the order they were defined, each as the user wrote it and
 * where: what a new Java session defines again after the one before it ended. Variables are not kept: their
 * values cannot come back.
 */
final class LiveDefinitions {
    /** By JShell's snippet id, which a redefinition (same name and signature) keeps. */
    private final Map<String, Definition> byId = new LinkedHashMap<>();

    /** Takes in what a segment's evaluation did: a declaration in, a replaced or dropped one out. */
    synchronized void track(List<SnippetEvent> events, String cellLabel, int firstLine) {
        // Removals first: JShell gives a redefinition the id of the snippet it replaces, and reports the
        // replacement after the new snippet.
        for (SnippetEvent event : events) {
            if (isDeclaration(event.snippet()) && !event.status().isActive()) {
                byId.remove(event.snippet().id());
            }
        }
        for (SnippetEvent event : events) {
            Snippet s = event.snippet();
            if (isDeclaration(s) && event.status().isActive()) {
                byId.putIfAbsent(s.id(), new Definition(s.source(), cellLabel, firstLine));
            }
        }
    }

    /** Where the snippet {@code id} was defined; null if it is not one of these. */
    synchronized Definition get(String id) {
        return byId.get(id);
    }

    /** Records a definition made again (after a failed snippet that replaced it was taken back). */
    synchronized void restored(String id, Definition where) {
        byId.put(id, where);
    }

    synchronized List<Definition> all() {
        return List.copyOf(byId.values());
    }

    private static boolean isDeclaration(Snippet s) {
        return s.kind() == Snippet.Kind.METHOD || s.kind() == Snippet.Kind.TYPE_DECL || s.kind() == Snippet.Kind.IMPORT;
    }
}
