package dev.incidentgateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The Content-Length reading shared by the HTTP edge (413 before the body is read) and the API's body check. */
class ApiEndpointTest {

    @Test
    void aDeclaredLengthIsItsNumberOrMinusOneWhenThereIsNoNumber() {
        assertEquals(1024, ApiEndpoint.declaredLength("1024"));
        assertEquals(7, ApiEndpoint.declaredLength(" 7 "));
        assertEquals(-1, ApiEndpoint.declaredLength(null));
        assertEquals(-1, ApiEndpoint.declaredLength(""));
        assertEquals(-1, ApiEndpoint.declaredLength("-5"));
        assertEquals(-1, ApiEndpoint.declaredLength("12abc"));
    }

    @Test
    void aLengthBeyondALongIsTooLargeNotUnknown() {
        assertEquals(Long.MAX_VALUE, ApiEndpoint.declaredLength("9999999999999999999"));
        assertEquals(Long.MAX_VALUE, ApiEndpoint.declaredLength("123456789012345678901234567890"));
    }
}
