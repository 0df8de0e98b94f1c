package dev.incidentgateway.config;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What to tell the operator when a YAML settings file (gateway.yaml, sla.yaml) cannot be read: a file the gateway's
 * user may not read is not a syntax error, and "not readable YAML: /path" sent people looking for one.
 */
public final class ConfigFileProblem {
    private ConfigFileProblem() {
    }

    /** The message for {@code failure} while reading {@code file} as YAML, naming the file. */
    public static String describe(Path file, IOException failure) {
        if (failure instanceof AccessDeniedException) {
            return file + ": permission denied: the gateway runs as " + System.getProperty("user.name") + ", who may not read it";
        }
        if (failure instanceof NoSuchFileException) {
            return file + ": no such file";
        }
        if (failure instanceof JsonProcessingException) {
            return file + ": not readable YAML: " + failure.getMessage();
        }
        return file + ": cannot read it: " + failure.getMessage();
    }
}
