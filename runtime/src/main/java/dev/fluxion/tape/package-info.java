/**
 * Tapes for generated backward passes through loops and branches: the forward pass pushes trip
 * counts, branch choices and the values it overwrites; the backward pass pops them in reverse.
 */
package dev.fluxion.tape;
