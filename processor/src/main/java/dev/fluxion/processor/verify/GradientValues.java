package dev.fluxion.processor.verify;

import java.util.Map;

/** The evaluated gradient record of a method: one value per differentiable input, by name. */
record GradientValues(Object value, Map<String, Object> components) {}
