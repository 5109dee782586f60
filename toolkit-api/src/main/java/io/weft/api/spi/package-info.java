/**
 * How {@link io.weft.api.Client#newClient} and {@link io.weft.api.Server#builder()} find their
 * implementations: {@link java.util.ServiceLoader} providers, declared by toolkit-client and
 * toolkit-server. Applications and generated code do not use this package.
 */
package io.weft.api.spi;
