package dev.incidentgateway.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What to tell the operator when a YAML file (gateway.yaml, sla.yaml, a connector descriptor) cannot be read: a file the
 * gateway's user may not read is not a syntax error, and "not readable YAML: /path" sent people looking for one.
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
        if (failure instanceof JsonProcessingException json) {
            return file + ": not readable YAML" + syntaxError(json);
        }
        return file + ": cannot read it: " + failure.getMessage();
    }

    /**
     * Where and why the YAML does not parse, on one line: {@code  at line 4, column 4: expected <block end>, but found
     * '<block mapping start>' (while parsing a block mapping at line 2, column 3)}. Jackson's own message was SnakeYAML's
     * (right, but over several lines and quoting lines of the file, which may hold a password) followed by Jackson's
     * {@code line: 3} — the parser's position after the last token it read, often the line before the fault. SnakeYAML's
     * marks are 0-based; the lines and columns here are 1-based, as an editor shows them.
     */
    static String syntaxError(JsonProcessingException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                String context = marked.getContext() == null || marked.getContextMark() == null ? ""
                        : " (" + marked.getContext() + " " + position(marked.getContextMark()) + ")";
                return " " + position(marked.getProblemMark()) + ": " + marked.getProblem() + context;
            }
        }
        // not SnakeYAML's refusal (a key twice in one mapping, refused by Jackson: ConfigYaml): Jackson's position is all
        // there is, and its parser's token (the second key) starts where the fault is, where the exception's location is
        // the parser's position after it
        JsonLocation token = failure instanceof StreamReadException read && read.getProcessor() != null
                ? read.getProcessor().currentTokenLocation() : null;
        JsonLocation at = token != null && token.getLineNr() > 0 ? token : failure.getLocation();
        return (at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                + ": " + failure.getOriginalMessage();
    }

    private static String position(Mark mark) {
        return "at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }
}
