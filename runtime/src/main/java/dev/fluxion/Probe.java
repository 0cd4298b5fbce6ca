package dev.fluxion;
final class Probe { static final int V = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length(); }
