package io.weft.generic;

/**
 * Serves every method of a generic service: the method's name and its arguments as a JSON object
 * (by parameter name) in, the result as JSON out ({@code null} or {@code "null"} for a void or
 * oneway method). Throw a {@link GenericException} to reply with a declared exception; any other
 * exception fails the call as a generated handler's would.
 */
@FunctionalInterface
public interface GenericHandler {
  String handle(String method, String jsonArgs) throws Exception;
}
