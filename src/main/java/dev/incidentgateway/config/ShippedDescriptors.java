package dev.incidentgateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The descriptors shipped on the class path: every {@code connectors/*.yaml} in a class-path directory
 * (a build's {@code target/classes}, the tests' {@code target/test-classes}) or jar (the shaded jar). A vendor
 * that ships a descriptor needs no list of names edited. The first one found for a name wins (tests' resources
 * come before the build's on the test class path).
 */
final class ShippedDescriptors {
    private static final String DIR = "connectors";

    private ShippedDescriptors() {
    }

    /** The text of each shipped descriptor, by name (the file name without {@code .yaml}). */
    static Map<String, String> list() {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            Enumeration<URL> roots = ShippedDescriptors.class.getClassLoader().getResources(DIR);
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                if (root.getProtocol().equals("file")) {
                    fromDirectory(Path.of(root.toURI()), out);
                } else if (root.getProtocol().equals("jar")) {
                    String path = root.getPath(); // file:/x/incident-gateway.jar!/connectors
                    fromJar(Path.of(new URL(path.substring(0, path.indexOf("!/"))).toURI()), out);
                }
            }
            // A jar written without directory entries has no "connectors" resource: read our own jar directly.
            URL self = ShippedDescriptors.class.getProtectionDomain().getCodeSource().getLocation();
            if (self != null && self.getProtocol().equals("file") && self.getPath().endsWith(".jar")) {
                fromJar(Path.of(self.toURI()), out);
            }
        } catch (IOException | URISyntaxException e) {
            throw new ConfigException("connectors/ (shipped): cannot list the class path: " + e.getMessage());
        }
        return out;
    }

    private static void fromDirectory(Path dir, Map<String, String> out) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.yaml")) {
            for (Path file : files) {
                out.putIfAbsent(name(file.getFileName().toString()), Files.readString(file));
            }
        }
    }

    private static void fromJar(Path jarPath, Map<String, String> out) throws IOException {
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                JarEntry e = entries.nextElement();
                String n = e.getName();
                if (n.startsWith(DIR + "/") && n.endsWith(".yaml") && n.indexOf('/', DIR.length() + 1) < 0) {
                    try (InputStream in = jar.getInputStream(e)) {
                        out.putIfAbsent(name(n.substring(DIR.length() + 1)), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    private static String name(String fileName) {
        return fileName.replaceFirst("\\.yaml$", "");
    }
}
