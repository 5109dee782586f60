/**
 * Weft's client, the implementation of {@link io.weft.api.Client}: applications build one with
 * {@link io.weft.api.Client#newClient} or a generated {@code *Client.newClient}, and name no type
 * of this module. Everything under {@code io.weft.client.internal} is implementation.
 */
package io.weft.client;
