/**
 * The Weft client. Starting point: {@link io.weft.client.Client}; generated {@code *Client.newClient}
 * factories build one. Everything under {@code io.weft.client.internal} is implementation.
 */
package io.weft.client;
