package dev.incidentgateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

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
        ClassLoader loader = ShippedDescriptors.class.getClassLoader();
        for (String resource : ClasspathListing.list(DIR, false, ".yaml")) {
            String name = name(resource.substring(DIR.length() + 1));
            if (out.containsKey(name)) {
                continue;
            }
            try (InputStream in = loader.getResourceAsStream(resource)) { // the first on the class path wins
                if (in != null) {
                    out.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new ConfigException(resource + " (shipped): cannot read it: " + e.getMessage());
            }
        }
        return out;
    }

    private static String name(String fileName) {
        return fileName.replaceFirst("\\.yaml$", "");
    }
}
