/**
 * OpenTelemetry tracing, metrics and log correlation for Weft: start at {@link
 * io.weft.opentelemetry.WeftTelemetry}.
 */
package io.weft.opentelemetry;
