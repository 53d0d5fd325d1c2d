package threadbook.dependencies;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.repository.internal.MavenRepositorySystemUtils;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;

/**
 * Resolves Maven coordinates (group:artifact:version) with their runtime dependencies, as Maven does,
 * into the local Maven repository (~/.m2/repository), from Maven Central or the repositories in
 * THREADBOOK_MAVEN_REPOSITORIES (space-separated URLs).
 */
public final class MavenResolver {
    private static final String CENTRAL = "https://repo.maven.apache.org/maven2/";

    private final RepositorySystem system = new RepositorySystemSupplier().get();
    private final Path localRepository;
    private final List<RemoteRepository> remotes = new ArrayList<>();

    public MavenResolver() {
        this(Path.of(System.getProperty("user.home"), ".m2", "repository"), System.getenv("THREADBOOK_MAVEN_REPOSITORIES"));
    }

    MavenResolver(Path localRepository, String extraRepositories) {
        this.localRepository = localRepository;
        remotes.add(new RemoteRepository.Builder("central", "default", CENTRAL).build());
        if (extraRepositories != null) {
            int i = 0;
            for (String url : extraRepositories.trim().split("\\s+")) {
                if (!url.isEmpty()) {
                    remotes.add(new RemoteRepository.Builder("extra-" + i++, "default", url).build());
                }
            }
        }
    }

    /** Thrown with a message a person can act on: a bad coordinate, an artifact not found, no network. */
    public static final class ResolutionFailure extends Exception {
        ResolutionFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The jars of the coordinates and of everything they need at run time. */
    public List<Path> resolve(List<String> coordinates) throws ResolutionFailure {
        CollectRequest collect = new CollectRequest();
        collect.setRepositories(remotes);
        for (String coordinate : coordinates) {
            DefaultArtifact artifact;
            try {
                artifact = new DefaultArtifact(coordinate);
            } catch (IllegalArgumentException e) {
                throw new ResolutionFailure("'" + coordinate + "' is not a Maven coordinate: write group:artifact:version,"
                        + " e.g. org.apache.commons:commons-lang3:3.14.0", e);
            }
            collect.addDependency(new Dependency(artifact, JavaScopes.RUNTIME));
        }
        DefaultRepositorySystemSession session = MavenRepositorySystemUtils.newSession();
        session.setLocalRepositoryManager(system.newLocalRepositoryManager(session, new LocalRepository(localRepository.toFile())));
        DependencyRequest request = new DependencyRequest(collect, DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
        try {
            List<Path> jars = new ArrayList<>();
            for (ArtifactResult result : system.resolveDependencies(session, request).getArtifactResults()) {
                jars.add(result.getArtifact().getFile().toPath());
            }
            return jars;
        } catch (DependencyResolutionException e) {
            throw new ResolutionFailure("could not resolve " + String.join(", ", coordinates) + ": " + rootMessage(e)
                    + " (looked in " + localRepository + " and " + remotes.stream().map(RemoteRepository::getUrl).toList()
                    + "; is the coordinate right, and is the repository reachable from this machine?)", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " [" + t.getClass().getSimpleName() + ": " + t.getMessage() + "]";
    }
}
