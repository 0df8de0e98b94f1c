package dev.incidentgateway;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.io.InputDecorator;
import com.fasterxml.jackson.core.json.ByteSourceJsonBootstrapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Refuses JSON bytes that are not well-formed UTF-8 before Jackson reads them. Jackson's own UTF-8 reader decodes
 * overlong forms ({@code C0 AF} and {@code E0 80 AF} become {@code /}) and sequences past U+10FFFF or of encoded
 * surrogates into other characters, so a body the README says is refused ("valid UTF-8") was stored as different text.
 * The JDK's decoder is strict (Unicode's "well-formed UTF-8", table 3-7). Bytes Jackson reads as UTF-16 or UTF-32 (a
 * BOM or zero bytes up front) are left to Jackson, as before.
 */
final class StrictUtf8Input extends InputDecorator {
    private static final long serialVersionUID = 1L;

    @Override
    public InputStream decorate(IOContext context, InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes(); // the gateway parses request bodies, already bounded by http.maxBodyBytes
        check(context, bytes, 0, bytes.length);
        return new ByteArrayInputStream(bytes);
    }

    @Override
    public InputStream decorate(IOContext context, byte[] src, int offset, int length) throws IOException {
        check(context, src, offset, length);
        return null; // valid: Jackson reads the array itself
    }

    @Override
    public Reader decorate(IOContext context, Reader reader) {
        return reader; // characters, already decoded by whoever made them
    }

    private static void check(IOContext context, byte[] src, int offset, int length) throws IOException {
        if (new ByteSourceJsonBootstrapper(context, src, offset, length).detectEncoding() != JsonEncoding.UTF8) {
            return;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(src, offset, length);
        CharBuffer out = CharBuffer.allocate(4096);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                throw new JsonParseException(null, String.format(Locale.ROOT, "Invalid UTF-8: byte 0x%02x at offset %d does not start a "
                        + "well-formed sequence (an overlong form, a surrogate, past U+10FFFF or cut short)",
                        src[in.position()] & 0xff, in.position() - offset));
            }
            if (result.isUnderflow()) {
                return;
            }
            out.clear(); // overflow: the characters are not needed, only whether every byte decodes
        }
    }
}
