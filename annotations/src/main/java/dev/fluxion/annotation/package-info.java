/** Annotations that mark the methods Fluxion differentiates at compile time. */
package dev.fluxion.annotation;
