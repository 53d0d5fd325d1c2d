package threadbook.magic;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import threadbook.dependencies.MavenResolver;
import threadbook.jshell.CellResult;

/** %maven group:artifact:version ...: resolves from Maven Central, with dependencies, and adds the jars. */
final class MavenMagic implements Magic {
    private MavenResolver resolver;

    @Override public String name() { return "maven"; }
    @Override public Form form() { return Form.LINE; }
    @Override public String summary() { return "add Maven artifacts (with their dependencies) to the session and to worker processes"; }
    @Override public String usage() { return "%maven GROUP:ARTIFACT:VERSION [more...]   e.g. %maven org.apache.commons:commons-lang3:3.14.0"; }

    @Override
    public CellResult run(String args, String body, MagicContext context) throws MagicException {
        if (args.isBlank()) {
            throw new MagicException("%maven needs at least one coordinate");
        }
        List<String> coordinates = Arrays.asList(args.trim().split("\\s+"));
        List<Path> jars;
        try {
            synchronized (this) {
                if (resolver == null) {
                    resolver = new MavenResolver();
                }
            }
            jars = resolver.resolve(coordinates);
        } catch (MavenResolver.ResolutionFailure e) {
            return CellResult.error("DependencyError", e.getMessage(), List.of("\u001b[1;31mDependencyError\u001b[0m: " + e.getMessage()));
        }
        context.addToClasspath(jars);
        context.print("Added " + jars.size() + " jar" + (jars.size() == 1 ? "" : "s") + ": "
                + String.join(", ", jars.stream().map(p -> p.getFileName().toString()).toList()) + "\n");
        return CellResult.ok(null);
    }
}
