// src/app/webhook_factory.hpp
//
// A webhook reaction from its config, sending through the server's HTTP client.
#pragma once

#include "config/reaction_config.hpp"
#include "reactions/reaction.hpp"
#include "reactions/webhook/webhook_options.hpp"
#include "reactions/webhook/webhook_reaction.hpp"

namespace livedash::app {

reactions::WebhookOptions webhookOptions(const config::ReactionConfig& reaction,
                                         const config::HttpReactionConfig& http);
std::unique_ptr<reactions::WebhookReaction> makeWebhookReaction(
    const config::ReactionConfig& reaction, const config::HttpReactionConfig& http);

}  // namespace livedash::app
