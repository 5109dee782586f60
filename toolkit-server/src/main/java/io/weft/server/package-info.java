/**
 * The Weft server. Starting point: {@link io.weft.server.Server}; generated {@code *Server.newServer}
 * factories build one. Everything under {@code io.weft.server.internal} is implementation.
 */
package io.weft.server;
