/**
 * Weft's server, the implementation of {@link io.weft.api.Server}: applications build one with
 * {@link io.weft.api.Server#newServer}, {@link io.weft.api.Server#builder()} or a generated {@code
 * *Server.newServer}, and name no type of this module. Everything under {@code
 * io.weft.server.internal} is implementation.
 */
package io.weft.server;
