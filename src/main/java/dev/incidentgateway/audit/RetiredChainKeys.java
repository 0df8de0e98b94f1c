package dev.incidentgateway.audit;

import dev.incidentgateway.config.AuditSettings;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The file of retired chain keys, {@code chain-keys-retired} in the keys directory ({@code 0600}), one line per
 * {@code chain-key rotate}, oldest first: {@code FINGERPRINT LAST-EVENT-ID KEY} ({@code -} for no event). It is what pins
 * each key's boundary: it is kept out of the database, so whoever holds a leaked old key and the database cannot move
 * the boundary and hash later events with the old key; {@code verify} checks the database's record against it.
 */
public final class RetiredChainKeys {
    public static final String FILE = "chain-keys-retired";
    private static final String HEADER = "# incident-gateway retired chain keys, oldest first: fingerprint, last event id hashed "
            + "with the key ('-': none), the key (base64). Keep with chain.key; verify needs every line.\n";

    private RetiredChainKeys() {
    }

    public static Path file(GatewayConfig config) {
        return Path.of(config.get(AuditSettings.KEYS_DIR)).resolve(FILE).toAbsolutePath().normalize();
    }

    /**
     * The retired keys in {@code file}, in rotation order; empty when there is no file.
     *
     * @throws ConfigException naming the file and line when a line is malformed or its key is not its fingerprint's
     */
    public static List<ChainKeyEpochs.Retired> read(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("the retired chain keys file " + file + " cannot be read: " + e.getMessage());
        }
        List<ChainKeyEpochs.Retired> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = file + " line " + (i + 1);
            if (parts.length != 3) {
                throw new ConfigException(where + ": expected 'FINGERPRINT LAST-EVENT-ID KEY'");
            }
            ChainKey key;
            try {
                key = ChainKey.parse(parts[2]);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + ": the key " + e.getMessage());
            }
            if (!ChainKey.sameHash(key.fingerprint(), parts[0])) {
                throw new ConfigException(where + ": the key is not the one its fingerprint names (the line was changed)");
            }
            out.add(new ChainKeyEpochs.Retired(parts[0], "-".equals(parts[1]) ? null : parts[1], key));
        }
        return out;
    }

    /** Adds {@code retired} as the last line, written whole and forced to disk; a key already in the file is not added twice. */
    public static void append(Path file, ChainKeyEpochs.Retired retired) throws IOException {
        List<ChainKeyEpochs.Retired> existing = read(file);
        if (existing.stream().anyMatch(r -> ChainKey.sameHash(r.fingerprint(), retired.fingerprint()))) {
            return; // an interrupted rotation finished again
        }
        String before = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : HEADER;
        String line = retired.fingerprint() + " " + (retired.lastEventId() == null ? "-" : retired.lastEventId()) + " "
                + retired.key().encoded() + "\n";
        KeyFiles.replace(file, (before.isEmpty() || before.endsWith("\n") ? before : before + "\n") + line);
    }
}
