package dev.incidentgateway.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The checkpoint file: one JSON object a line, appended and synced to disk (created {@code 0600}). Reading also
 * accepts what a keeper may have stored instead: one JSON object (pretty-printed or not, as served by
 * {@code GET /api/v1/audit/checkpoint}), several objects in a row, or a JSON array of them.
 */
public final class CheckpointFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One checkpoint read from a file, or why the entry at {@code position} (1-based) could not be read. */
    public record Entry(int position, Checkpoint checkpoint, String error) {
    }

    private CheckpointFile() {
    }

    public static void append(Path file, Checkpoint cp) throws IOException {
        Path abs = file.toAbsolutePath();
        KeyFiles.ensureDirectory(abs.getParent());
        byte[] line = (JSON.writeValueAsString(cp.toJson()) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(abs, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), KeyFiles.ownerOnlyFile(abs.getParent()))) {
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true); // a checkpoint is evidence: on disk before it is served
        }
    }

    /** Every entry of the file, in file order. */
    public static List<Entry> readAll(Path file) throws IOException {
        List<Entry> out = new ArrayList<>();
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return out;
        }
        try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(text)) {
            int position = 0;
            while (it.hasNextValue()) {
                JsonNode node = it.nextValue();
                if (node.isArray()) {
                    for (JsonNode element : node) {
                        out.add(entry(++position, element));
                    }
                } else {
                    out.add(entry(++position, node));
                }
            }
        } catch (JsonProcessingException | RuntimeException e) {
            out.add(new Entry(out.size() + 1, null, "not valid JSON after entry " + out.size()));
        }
        return out;
    }

    /** The last line of a file the gateway writes (read line by line: the file grows by one line per interval). */
    public static Optional<Entry> latest(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String last = null;
        int lines = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    last = line;
                    lines++;
                }
            }
        }
        if (last == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(entry(lines, JSON.readTree(last)));
        } catch (JsonProcessingException e) {
            return Optional.of(new Entry(lines, null, "line " + lines + " is not valid JSON"));
        }
    }

    private static Entry entry(int position, JsonNode node) {
        try {
            return new Entry(position, Checkpoint.fromJson(node), null);
        } catch (IllegalArgumentException e) {
            return new Entry(position, null, e.getMessage());
        }
    }
}
