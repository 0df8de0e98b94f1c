package dev.incidentgateway.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether {@code connectors/<name>.yaml} is there now though the start did not load it: sources are read once, at the
 * start, so a descriptor written while the gateway runs answers 404 until a restart, and the 404 says so.
 *
 * <p>What an unauthenticated caller learns: only whether a descriptor of the name it sent was added since the start (one
 * bit about a name it chose, as the 404 of a source that is off already tells), never the directory, another file's
 * name or anything inside the file. Names are checked as names ({@link #NAME}) before the file system is asked, so a
 * request path never becomes a path outside the directory.
 */
public final class DescriptorsAddedSinceStart {
    /** A source name as a file name: what a request's last path segment must be before the directory is looked at. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private final Path connectorsDir;
    private final Set<String> loadedAtStart;

    /**
     * @param connectorsDir {@code GATEWAY_CONNECTORS_DIR} (null: none, nothing is ever added)
     * @param loadedAtStart every descriptor the start read, of any kind (a sink's name is not a source "added since")
     */
    public DescriptorsAddedSinceStart(Path connectorsDir, Set<String> loadedAtStart) {
        this.connectorsDir = connectorsDir;
        this.loadedAtStart = Set.copyOf(loadedAtStart);
    }

    /** None: for steps built without a directory (tests). */
    public static DescriptorsAddedSinceStart none() {
        return new DescriptorsAddedSinceStart(null, Set.of());
    }

    /** Whether {@code name} has a descriptor file now that the start did not load. */
    public boolean added(String name) {
        return connectorsDir != null && name != null && NAME.matcher(name).matches() && !loadedAtStart.contains(name)
                && Files.isRegularFile(connectorsDir.resolve(name + ".yaml"));
    }
}
