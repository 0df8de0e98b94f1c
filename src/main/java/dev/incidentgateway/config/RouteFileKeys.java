package dev.incidentgateway.config;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.DuplicateKeyException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Refuses a route file of the operator's with a key given twice in one mapping (a route's {@code id:} twice, a step's
 * option twice): Camel's YAML DSL takes the later one silently. Camel offers no setting for it: its loader builds
 * snakeyaml-engine's {@code LoadSettings} itself and reads the composed nodes, a stage that never looks for duplicates
 * (snakeyaml-engine checks them where it constructs Java objects, with {@code allowDuplicateKeys}, false by default).
 * So each file is also loaded by snakeyaml-engine itself, with its default settings, before Camel reads it: the
 * library's own check, not a parser of ours. Everything else that file may get wrong is left to Camel, which words it.
 */
public final class RouteFileKeys {
    private RouteFileKeys() {
    }

    /** Throws {@link ConfigException} ({@code Invalid route: …} with the file, line and column of the second key) for the first file under {@code routesDir} with a duplicate key. */
    public static void requireUnique(Path routesDir) {
        if (routesDir == null) {
            return;
        }
        for (Path file : RouteFiles.routesIn(routesDir)) {
            String name = "file:" + file.toAbsolutePath();
            try (InputStream in = Files.newInputStream(file)) {
                new Load(LoadSettings.builder().setLabel(name).build()).loadAllFromInputStream(in).forEach(document -> { });
            } catch (DuplicateKeyException twice) {
                throw new ConfigException("Invalid route: " + name + at(twice.getProblemMark()) + ": " + twice.getProblem()
                        + " (a key may appear once in a mapping" + twice.getContextMark().map(m -> "; the mapping starts at line "
                        + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse("") + ")");
            } catch (IOException | YamlEngineException otherwise) { // Camel reads the file next and names what is wrong with it
            }
        }
    }

    /** snakeyaml-engine's marks count from 0; an editor, and Camel's messages, from 1. */
    private static String at(Optional<Mark> mark) {
        return mark.map(m -> ", line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse("");
    }
}
