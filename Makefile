# Weft's entry points. Each target is a thin alias over Maven (or a small script in scripts/);
# the logic lives in the build, not here.
SHELL := /bin/bash
JAVA_HOME := $(shell scripts/find-jdk)
ifeq ($(JAVA_HOME),)
$(error no JDK 21+ found: see the message above)
endif
export JAVA_HOME
export PATH := $(JAVA_HOME)/bin:$(PATH)
MVN := mvn -B -ntp -Dstyle.color=never

.PHONY: build test run classpath bench golden clean

## build: compile everything, run no tests; produces examples/interop/target/interop.jar and toolkit-gen/target/toolkit-gen.jar
build:
	$(MVN) -DskipTests install

## test: the whole test suite (unit, wire vectors, end to end, libthrift and other peers)
test:
	$(MVN) install

## run: the seed's echo example: starts the server, runs the PingPong and Oneway clients, stops the server
run: build
	scripts/run-echo

## classpath: the runtime classpath generated code needs, on one line
classpath:
	@$(MVN) -q -pl examples/echo dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime -Dmdep.excludeArtifactIds=echo-example 2>/dev/null; echo

## golden: rewrite toolkit-gen's expected outputs from the current generator
golden:
	$(MVN) -pl toolkit-gen -am install -Dgolden.update=true -Dtest='Golden*' -Dsurefire.failIfNoSpecifiedTests=false

clean:
	$(MVN) -q clean
