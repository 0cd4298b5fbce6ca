package dev.fluxion.bench;
final class Probe {}
