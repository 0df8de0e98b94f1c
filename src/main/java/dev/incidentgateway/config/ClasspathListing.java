package dev.incidentgateway.config;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Names the resources under one class-path folder: in class-path directories (a build's {@code target/classes}, the
 * tests' {@code target/test-classes}) and in jars (the shaded jar), for the shipped connector descriptors and routes.
 *
 * <p>Why not Camel's {@code classpath:routes/*.camel.yaml} scan: for a jar it reads the whole file with
 * {@code JarInputStream}, inflating every entry of the 60 MB shaded jar, once per pattern and again for modelines —
 * about 10 s of a 14 s start. A jar's central directory names its entries in milliseconds.
 */
public final class ClasspathListing {
    private ClasspathListing() {
    }

    /**
     * Resource names such as {@code routes/inbound/webhooks.camel.yaml}, sorted within each class-path root, roots in
     * class-path order.
     *
     * @param dir       the folder, without a trailing slash
     * @param recursive whether to include sub-folders
     * @param suffix    the file-name ending to keep, such as {@code .yaml}
     */
    public static Set<String> list(String dir, boolean recursive, String suffix) {
        Set<String> out = new LinkedHashSet<>();
        try {
            Enumeration<URL> roots = ClasspathListing.class.getClassLoader().getResources(dir);
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                if (root.getProtocol().equals("file")) {
                    fromDirectory(Path.of(root.toURI()), dir, recursive, suffix, out);
                } else if (root.getProtocol().equals("jar")) {
                    String path = root.getPath(); // file:/x/incident-gateway.jar!/routes
                    fromJar(Path.of(new URL(path.substring(0, path.indexOf("!/"))).toURI()), dir, recursive, suffix, out);
                }
            }
            // A jar written without directory entries has no resource for the folder itself: read our own jar directly.
            URL self = ClasspathListing.class.getProtectionDomain().getCodeSource().getLocation();
            if (self != null && self.getProtocol().equals("file") && self.getPath().endsWith(".jar")) {
                fromJar(Path.of(self.toURI()), dir, recursive, suffix, out);
            }
        } catch (IOException | URISyntaxException e) {
            throw new ConfigException(dir + "/ (shipped): cannot list the class path: " + e.getMessage());
        }
        return out;
    }

    private static void fromDirectory(Path folder, String dir, boolean recursive, String suffix, Set<String> out)
            throws IOException {
        try (Stream<Path> files = recursive ? Files.walk(folder) : Files.list(folder)) {
            files.filter(Files::isRegularFile)
                    .map(f -> dir + "/" + folder.relativize(f).toString().replace('\\', '/'))
                    .filter(n -> n.endsWith(suffix))
                    .sorted()
                    .forEach(out::add);
        }
    }

    private static void fromJar(Path jarPath, String dir, boolean recursive, String suffix, Set<String> out)
            throws IOException {
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            jar.stream().map(JarEntry::getName)
                    .filter(n -> n.startsWith(dir + "/") && n.endsWith(suffix))
                    .filter(n -> recursive || n.indexOf('/', dir.length() + 1) < 0)
                    .sorted()
                    .forEach(out::add);
        }
    }
}
