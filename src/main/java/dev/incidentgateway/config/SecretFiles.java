package dev.incidentgateway.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A secret setting given as a file: {@code <VAR>_FILE=/run/secrets/db-password} instead of {@code <VAR>=…}, the
 * convention of Docker and Kubernetes secrets (and of systemd's {@code LoadCredential=}, with
 * {@code $CREDENTIALS_DIRECTORY/<name>}). A variable's value is visible to every process that can read
 * {@code /proc/<pid>/environ}, to {@code docker inspect} and to crash reports; a file can be owner-only and mounted
 * from a secret store. It applies to every secret, the gateway's ({@link GatewayConfig}), the connectors'
 * ({@link ConnectorSettings}) and those a webhook source names with {@code auth.secretEnv}, and only to secrets: the
 * variables that already name files ({@code GATEWAY_TLS_KEY_FILE}, …) are not secrets' values.
 *
 * <p>The value is the file's content, read once at start, less its trailing line breaks ({@code echo} and most
 * editors add one, which no secret contains). Refused, naming the variable and never quoting the content: both
 * {@code <VAR>} and {@code <VAR>_FILE} set (which one wins would be a guess), a file that is missing, unreadable, not a
 * regular file, not UTF-8, or larger than {@link #MAX_BYTES}.
 */
public final class SecretFiles {
    /** Appended to a secret's variable: the variable that names its file. */
    public static final String SUFFIX = "_FILE";
    /** A secret is a password, a token or a key: anything larger is the wrong file. */
    static final int MAX_BYTES = 64 * 1024;

    private SecretFiles() {
    }

    /** The variable that names {@code key}'s file ({@code null} for a key with no variable). */
    public static String variable(ConfigKey<?> key) {
        return key.env() == null ? null : key.env() + SUFFIX;
    }

    /** Whether {@code key} is a secret whose value {@code env} gives as a file. */
    public static boolean given(ConfigKey<?> key, Map<String, String> env) {
        return key.isSecret() && key.env() != null && env.containsKey(variable(key));
    }

    /**
     * The secret's value from its file.
     *
     * @throws IllegalArgumentException what is wrong, naming the variables and the path, never the content
     */
    static String read(ConfigKey<?> key, Map<String, String> env) {
        return read(key.env(), env);
    }

    /**
     * For a reference to any variable ({@code {{env:NAME}}} in a route, {@code ${NAME}} in the settings file): the
     * content of the file {@code NAME_FILE} names when {@code NAME} is unset and {@code NAME_FILE} is set, else
     * {@code null} (the reference resolves as it always did).
     *
     * @throws IllegalArgumentException what is wrong with the file, naming the variable and the path, never the content
     */
    public static String ofUnset(String name, Map<String, String> env) {
        return !env.containsKey(name) && env.containsKey(name + SUFFIX) ? read(name, env) : null;
    }

    /**
     * The value of {@code name} from the file {@code <name>_FILE} names (which {@code env} must hold).
     *
     * @throws IllegalArgumentException what is wrong, naming the variables and the path, never the content
     */
    static String read(String name, Map<String, String> env) {
        String variable = name + SUFFIX;
        if (env.containsKey(name)) {
            throw new IllegalArgumentException("both " + name + " and " + variable + " are set; set one of them");
        }
        Path file = Path.of(env.get(variable).strip());
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(variable + ": no such file: " + file.toAbsolutePath());
        }
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(variable + ": " + file.toAbsolutePath() + " is larger than " + MAX_BYTES
                        + " bytes, too large for a secret (the wrong file?)");
            }
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            return text.replaceFirst("[\\r\\n]+$", "");
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(variable + ": " + file.toAbsolutePath() + " is not UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException(variable + ": cannot read " + file.toAbsolutePath() + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
