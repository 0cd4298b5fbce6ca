package dev.fluxion.processor;
final class Probe {}
